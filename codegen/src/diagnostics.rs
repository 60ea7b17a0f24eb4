//! Diagnostics: what the generator could not handle or found contradictory, with file:line.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Generation cannot be trusted: `regen` refuses to write.
    Error,
    /// Generated, but something was guessed or ignored.
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub file: String,
    pub line: u32,
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
    /// Stable code of the doc problems `cargo xtask drift` reviews (`D007` unknown type word, …).
    #[serde(skip_serializing_if = "Option::is_none", default, deserialize_with = "known_code")]
    pub code: Option<Code>,
    /// What a coded diagnostic is about (`hosts.port`, `server → topo_node`): the baseline keys accepted
    /// findings by it, so rewording a message does not change what is accepted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// The other place that says otherwise (file, line): the `en` doc of a `zh_hans` one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub related: Option<Box<(String, u32)>>,
}

/// One of [`codes::CODES`]. (A name, not `&'static str` in the field: serde would take that as borrowed from
/// the input, and a diagnostic could only be read from `'static` text.)
pub type Code = &'static str;

/// A code read back (the pipeline's cache): one of [`codes::CODES`], else an error.
fn known_code<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<&'static str>, D::Error> {
    let Some(code) = Option::<String>::deserialize(deserializer)? else { return Ok(None) };
    match codes::CODES.iter().find(|(known, _)| *known == code) {
        Some((known, _)) => Ok(Some(known)),
        None => Err(serde::de::Error::custom(format!("unknown diagnostic code `{code}`"))),
    }
}

impl Diagnostic {
    pub fn error(file: &str, line: u32, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.to_string(),
            line,
            message: message.into(),
            help: None,
            code: None,
            subject: None,
            related: None,
        }
    }

    pub fn warning(file: &str, line: u32, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            file: file.to_string(),
            line,
            message: message.into(),
            help: None,
            code: None,
            subject: None,
            related: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// A diagnostic `cargo xtask drift` reviews: its code and what it is about.
    /// The other place the diagnostic is about.
    pub fn with_related(mut self, file: &str, line: u32) -> Self {
        self.related = Some(Box::new((file.to_string(), line)));
        self
    }

    pub fn with_code(mut self, code: &'static str, subject: impl Into<String>) -> Self {
        self.code = Some(code);
        self.subject = Some(subject.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{}:{}: {sev}: {}", self.file, self.line, self.message)?;
        if let Some((file, line)) = self.related.as_deref() {
            write!(f, "\n  see: {file}:{line}")?;
        }
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

/// The stable codes of the findings `cargo xtask drift` shows (D001…): every stage that finds one codes its
/// diagnostic with it, and the baselines accept findings by it.
pub mod codes {
    /// An example has a field the table does not list.
    pub const UNKNOWN_FIELD: &str = "D001";
    /// The table says required; the example lacks it.
    pub const MISSING_REQUIRED: &str = "D002";
    /// The example's value has another type than the table says.
    pub const TYPE_MISMATCH: &str = "D003";
    /// A value the description's list (`1：LINUX 2：WINDOWS`) or a value table does not allow.
    pub const ENUM_MISMATCH: &str = "D004";
    /// An example that cannot be read as JSON, even leniently.
    pub const BAD_JSON: &str = "D005";
    /// A path placeholder without a path parameter, or the reverse.
    pub const PATH_PARAM_MISMATCH: &str = "D006";
    /// A type word the generator does not know.
    pub const UNKNOWN_TYPE: &str = "D007";
    /// A field listed twice in one table (or in two request tables).
    pub const DUPLICATE_FIELD: &str = "D008";
    /// A description refers to a definition that has no section.
    pub const UNRESOLVED_REFERENCE: &str = "D009";
    /// An override in `bkapi.toml` that matches nothing in the doc. Always an error; never baselined.
    pub const STALE_OVERRIDE: &str = "D010";
    /// The docs of one API in two languages disagree (a field, a type, a required flag, a value list).
    pub const TRANSLATION_MISMATCH: &str = "D011";
    /// No source gives the API's route: the system's component list does not name it and the doc states none,
    /// so the ESB path convention's path is a guess.
    pub const ROUTE_UNCONFIRMED: &str = "D012";
    /// An API's summary in one language is another API's, while their summaries in another language differ:
    /// one of them was copied (JOB v3's English `fast_execute_script` reads "Start Job Plan").
    pub const COPIED_SUMMARY: &str = "D013";
    /// An API documented in one language of its publication has no doc, or no summary, in another.
    pub const MISSING_TRANSLATION: &str = "D014";

    /// Every code, with a one-line explanation (`cargo xtask drift --explain`).
    pub const CODES: &[(&str, &str)] = &[
        (UNKNOWN_FIELD, "an example has a field that the table does not list"),
        (MISSING_REQUIRED, "the table says a field is required; the example does not have it"),
        (TYPE_MISMATCH, "an example's value has another type than the table says"),
        (ENUM_MISMATCH, "a value outside the values the doc lists"),
        (BAD_JSON, "an example that cannot be read as JSON, even leniently"),
        (PATH_PARAM_MISMATCH, "a path placeholder without a path parameter, or a path parameter without a placeholder"),
        (UNKNOWN_TYPE, "a type word the generator does not know (generated as untyped JSON)"),
        (DUPLICATE_FIELD, "a field listed twice"),
        (UNRESOLVED_REFERENCE, "a description refers to a definition that has no section"),
        (STALE_OVERRIDE, "an override in bkapi.toml that matches nothing in the doc"),
        (TRANSLATION_MISMATCH, "the docs of one API in two languages disagree (the types follow the first)"),
        (ROUTE_UNCONFIRMED, "no source gives the API's route: its path is the ESB convention's guess"),
        (
            COPIED_SUMMARY,
            "an API's summary is another API's in one language, while the other language tells them apart",
        ),
        (MISSING_TRANSLATION, "an API has no doc, or no summary, in a language its publication documents others in"),
    ];
}
