//! Where the CLI calls and as whom: the environment variables BlueKing's SDKs read (as `Client::from_env`),
//! the user (`BK_USERNAME`, `BK_TOKEN`, `BK_ACCESS_TOKEN`), and an optional config file with one profile per
//! BlueKing environment. The environment wins over the file.
//!
//! ```toml
//! # ~/.config/bkapi/config.toml (chmod 600: a file holding a secret that others can read is refused)
//! default_profile = "prod"
//!
//! [profiles.prod]
//! BK_COMPONENT_API_URL = "https://paas.example.com"
//! BK_API_URL_TMPL = "https://bkapi.example.com/api/{api_name}"
//! BK_APP_CODE = "my-app"
//! BK_APP_SECRET = "…"
//! BK_USERNAME = "admin"
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::run::Failure;

/// Names whose values are secrets: a file holding one must be readable by its owner alone.
const SECRET_KEYS: &[&str] = &["BK_APP_SECRET", "BKPAAS_APP_SECRET", "BK_TOKEN", "BK_ACCESS_TOKEN"];

/// The config file: `--config`, else `BKAPI_CONFIG`, else `bkapi/config.toml` in the user's config folder.
pub(crate) fn config_path(given: Option<PathBuf>) -> Option<PathBuf> {
    given
        .or_else(|| std::env::var_os("BKAPI_CONFIG").map(PathBuf::from))
        .or_else(|| dirs::config_dir().map(|d| d.join("bkapi").join("config.toml")))
}

/// One profile's settings, by the environment variables' names.
#[derive(Debug, Default)]
pub(crate) struct Profile {
    values: BTreeMap<String, String>,
}

/// The profile `name` (else `BKAPI_PROFILE`, else the file's `default_profile`, else `default` when the file has
/// one) of the file at `path`; empty without a file. A profile asked for by name that the file lacks is an error.
pub(crate) fn load_profile(path: Option<&Path>, name: Option<&str>) -> Result<Profile, Failure> {
    let asked = name.map(str::to_string).or_else(|| std::env::var("BKAPI_PROFILE").ok().filter(|p| !p.is_empty()));
    let Some(path) = path.filter(|p| p.exists()) else {
        return match asked {
            Some(p) => Err(Failure::Usage(format!(
                "profile `{p}` asked for, but there is no config file{}",
                path.map(|p| format!(" at {}", p.display())).unwrap_or_default()
            ))),
            None => Ok(Profile::default()),
        };
    };
    let shown = path.display();
    let text = std::fs::read_to_string(path).map_err(|e| Failure::Usage(format!("cannot read {shown}: {e}")))?;
    let file: toml::Table = toml::from_str(&text).map_err(|e| Failure::Usage(format!("{shown} is not TOML: {e}")))?;
    let profiles = file.get("profiles").and_then(toml::Value::as_table);
    let secrets: Vec<String> = profiles
        .into_iter()
        .flatten()
        .filter_map(|(profile, values)| Some((profile, values.as_table()?)))
        .flat_map(|(profile, values)| {
            SECRET_KEYS.iter().filter(|k| values.contains_key(**k)).map(move |k| format!("{k} of profile `{profile}`"))
        })
        .collect();
    if let Some(first) = secrets.first() {
        refuse_if_others_can_read(path, first)?;
    }
    let default = file.get("default_profile").and_then(toml::Value::as_str).map(str::to_string);
    let chosen = asked
        .clone()
        .or(default)
        .or_else(|| profiles.filter(|p| p.contains_key("default")).map(|_| "default".to_string()));
    let Some(chosen) = chosen else { return Ok(Profile::default()) };
    let Some(table) = profiles.and_then(|p| p.get(&chosen)).and_then(toml::Value::as_table) else {
        let known: Vec<&String> = profiles.map(|p| p.keys().collect()).unwrap_or_default();
        return Err(Failure::Usage(format!(
            "{shown} has no profile `{chosen}`; it has: {}",
            known.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", ")
        )));
    };
    let mut values = BTreeMap::new();
    for (key, value) in table {
        let text = match value {
            toml::Value::String(s) => s.clone(),
            toml::Value::Boolean(b) => b.to_string(),
            toml::Value::Integer(n) => n.to_string(),
            _ => return Err(Failure::Usage(format!("{shown}: `{key}` of profile `{chosen}` is not a text"))),
        };
        values.insert(key.clone(), text);
    }
    Ok(Profile { values })
}

/// As ssh does with a private key: a file holding a secret that others can read is refused.
#[cfg(unix)]
fn refuse_if_others_can_read(path: &Path, secret: &str) -> Result<(), Failure> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path)
        .map_err(|e| Failure::Usage(format!("cannot read {}: {e}", path.display())))?
        .permissions()
        .mode();
    if mode & 0o077 != 0 {
        return Err(Failure::Usage(format!(
            "{} holds a secret ({secret}) and others can read it (mode {:o}); nothing was sent. Run `chmod 600 {}`",
            path.display(),
            mode & 0o777,
            path.display()
        )));
    }
    Ok(())
}

#[cfg(not(unix))]
fn refuse_if_others_can_read(_: &Path, _: &str) -> Result<(), Failure> {
    Ok(())
}

/// The client: the environment first, then the profile, by the same names.
pub(crate) fn client(profile: &Profile) -> Result<bkapi::Client, Failure> {
    let lookup = |name: &str| {
        std::env::var(name).ok().filter(|v| !v.trim().is_empty()).or_else(|| profile.values.get(name).cloned())
    };
    let mut builder = bkapi::ClientBuilder::from_lookup(lookup);
    if let Some(user) = lookup("BK_USERNAME") {
        builder = builder.bk_username(user);
    }
    if let Some(token) = lookup("BK_TOKEN") {
        builder = builder.bk_token(token);
    }
    if let Some(token) = lookup("BK_ACCESS_TOKEN") {
        builder = builder.access_token(token);
    }
    builder.build().map_err(|e| Failure::Usage(format!("the settings do not make a client: {e}")))
}
