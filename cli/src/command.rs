//! The command tree, built from the generated tables when the CLI runs: `bkapi <system> <api> [flags]`, one flag
//! per field a flag can set, texts in the user's language; and the request a command line asks for.

use base64::Engine as _;
use clap::builder::{PossibleValue, PossibleValuesParser};
use clap::{Arg, ArgAction, ArgMatches, Command, value_parser};
use serde_json::{Map, Value};

use crate::output::Output;
use crate::run::Failure;
use crate::spec::{Api, Choice, Flag, Kind, Lang, System, Waiter, in_lang};

/// The CLI's own options on every API command (a field of one of these names is set through `--json`).
const JSON: &str = "json";
const ALL: &str = "all";
const DRY_RUN: &str = "dry-run";
const OUTPUT: &str = "output";
const DEADLINE: &str = "deadline";

/// The whole tree; `detailed` names the system whose API commands get their flags and texts (building every
/// system's would cost every call the time of all): `None` builds them all (shell completions).
pub(crate) fn root(systems: &[&'static System], lang: Lang, detailed: Option<&str>) -> Command {
    let about = match lang {
        Lang::Zh => "蓝鲸 API 命令行：每个 API 一个命令，按文档的类型检查请求",
        Lang::En => "BlueKing APIs on the command line: one typed command per API, checked against its doc",
    };
    let mut root = Command::new("bkapi")
        .about(about)
        .version(env!("CARGO_PKG_VERSION"))
        .subcommand_required(true)
        .arg_required_else_help(true)
        .arg(
            Arg::new("lang")
                .long("lang")
                .global(true)
                .value_parser(["zh", "en"])
                .help("Language of the help texts (default: from LANG)"),
        )
        .arg(
            Arg::new("profile")
                .long("profile")
                .global(true)
                .help("Profile of the config file (default: BKAPI_PROFILE, then the file's default_profile)"),
        )
        .arg(Arg::new("config").long("config").global(true).value_parser(value_parser!(std::path::PathBuf)).help(
            "Config file (default: BKAPI_CONFIG, then ~/.config/bkapi/config.toml); one holding a secret must be \
             chmod 600",
        ))
        .subcommand(
            Command::new("completions")
                .about("Print a shell completion script")
                .arg(Arg::new("shell").required(true).value_parser(value_parser!(clap_complete::Shell))),
        );
    for system in systems {
        let mut command =
            Command::new(system.name).subcommand_required(true).arg_required_else_help(true).about(match lang {
                Lang::Zh => format!("{} 的 {} 个 API", system.name, system.apis.len()),
                Lang::En => format!("The {} APIs of {}", system.apis.len(), system.name),
            });
        let detail = detailed.is_none_or(|d| d == system.name);
        for api in system.apis {
            command = command.subcommand(api_command(api, lang, detail));
        }
        for waiter in system.waiters {
            if let Some(api) = system.apis.iter().find(|a| a.name == waiter.api) {
                command = command.subcommand(waiter_command(waiter, api, lang, detail));
            }
        }
        root = root.subcommand(command);
    }
    root
}

/// `fast-execute-script`, also found by BlueKing's own spelling (`fast_execute_script`).
pub(crate) fn command_name(api: &str) -> String {
    api.replace('_', "-")
}

fn api_command(api: &'static Api, lang: Lang, detailed: bool) -> Command {
    let name = command_name(api.name);
    let mut command = Command::new(name.clone()).about(first_line(in_lang(api.summary, lang)).to_string());
    if name != api.name {
        command = command.alias(api.name);
    }
    if !detailed {
        return command;
    }
    command = command.long_about(format!("{}\n\n{} {}", in_lang(api.summary, lang), api.method, api.path));
    command = with_flags(command, api, lang);
    if api.pages.is_some() {
        let help = match lang {
            Lang::Zh => "逐页取回全部条目，每行一个 JSON",
            Lang::En => "Every item of every page, one JSON line each",
        };
        command = command.arg(Arg::new(ALL).long(ALL).action(ArgAction::SetTrue).help(help));
    }
    command
}

fn waiter_command(waiter: &'static Waiter, api: &'static Api, lang: Lang, detailed: bool) -> Command {
    let about = match lang {
        Lang::Zh => format!("反复调用 {}，直到结果为最终状态", api.name),
        Lang::En => format!("Calls {} until its answer is final", api.name),
    };
    let mut command = Command::new(command_name(waiter.name)).about(about.clone());
    if !detailed {
        return command;
    }
    command = command.long_about(format!("{about}. {}\n\n{}", waiter.doc, in_lang(api.summary, lang)));
    command = with_flags(command, api, lang);
    command.arg(
        Arg::new(DEADLINE)
            .long(DEADLINE)
            .value_name("SECONDS")
            .value_parser(value_parser!(u64))
            .default_value("600")
            .help(match lang {
                Lang::Zh => "最长等待秒数",
                Lang::En => "How long to wait, in seconds",
            }),
    )
}

fn with_flags(mut command: Command, api: &'static Api, lang: Lang) -> Command {
    let (json_help, output_help, dry_help, required_word, example_title) = match lang {
        Lang::Zh => (
            "整个请求的 JSON：文本、@文件 或 -（标准输入）；选项会覆盖其中的字段",
            "输出格式",
            "只打印将要发送的 HTTP 请求（密钥已隐去），不发送",
            "必填",
            "文档中的请求示例（可用 --json 传入）：",
        ),
        Lang::En => (
            "The whole request as JSON: text, @file or - (stdin); flags override its fields",
            "Output format",
            "Print the HTTP request that would be sent (secrets redacted) and send nothing",
            "required",
            "The doc's request example (give it with --json):",
        ),
    };
    command = command
        .arg(Arg::new(JSON).long(JSON).value_name("JSON|@FILE|-").help(json_help))
        .arg(Arg::new(OUTPUT).long(OUTPUT).value_parser(value_parser!(Output)).default_value("json").help(output_help))
        .arg(Arg::new(DRY_RUN).long(DRY_RUN).action(ArgAction::SetTrue).help(dry_help));
    for flag in api.flags {
        command = command.arg(flag_arg(flag, lang, required_word));
    }
    if !api.example.is_empty() {
        command = command.after_long_help(format!("{example_title}\n{}", api.example));
    }
    command
}

fn flag_name(flag: &Flag) -> String {
    flag.path.iter().map(|p| p.replace('_', "-")).collect::<Vec<_>>().join(".")
}

fn flag_arg(flag: &'static Flag, lang: Lang, required_word: &str) -> Arg {
    let name = flag_name(flag);
    let doc = first_paragraph(in_lang(flag.doc, lang));
    let mut help = match (flag.required, doc.is_empty()) {
        (true, true) => format!("[{required_word}]"),
        (true, false) => format!("[{required_word}] {doc}"),
        (false, _) => doc.to_string(),
    };
    if flag.kind == Kind::Base64 {
        help.push_str(match lang {
            Lang::Zh => "（给出原文，命令行会编码为 Base64）",
            Lang::En => " (give the plain text: it is sent as Base64)",
        });
    }
    if flag.secret {
        help.push_str(match lang {
            Lang::Zh => "（密钥：建议用 --json @文件 传入，以免留在 shell 历史中）",
            Lang::En => " (a secret: prefer --json @file, which keeps it out of the shell's history)",
        });
    }
    let mut arg = Arg::new(name.clone()).long(name).help(help).value_name(value_name(flag));
    if flag.list {
        arg = arg.action(ArgAction::Append).value_delimiter(',');
    }
    match flag.kind {
        Kind::Integer => arg.value_parser(value_parser!(i64)),
        Kind::Number => arg.value_parser(value_parser!(f64)),
        Kind::Boolean => arg.value_parser(value_parser!(bool)),
        Kind::Choice => arg.ignore_case(true).value_parser(choice_parser(flag.choices, lang)),
        Kind::Text | Kind::Base64 | Kind::Json => arg,
    }
}

fn value_name(flag: &Flag) -> &'static str {
    match flag.kind {
        Kind::Integer => "INT",
        Kind::Number => "NUMBER",
        Kind::Boolean => "true|false",
        Kind::Choice => "VALUE",
        Kind::Json => "JSON",
        Kind::Text | Kind::Base64 => "TEXT",
    }
}

/// Takes a choice's wire value, or its label in either language (`shell` for `1`), and gives the wire value. A
/// label that is one plain word is the name shown (`shell`, and errors list those), the wire value its alias.
fn choice_parser(choices: &'static [Choice], lang: Lang) -> PossibleValuesParser {
    let mut taken: Vec<String> = Vec::new();
    let mut fresh = |word: &str| {
        let key = word.to_lowercase();
        let ok = !word.is_empty() && !word.contains(char::is_whitespace) && !taken.contains(&key);
        if ok {
            taken.push(key);
        }
        ok
    };
    let values: Vec<PossibleValue> = choices
        .iter()
        .map(|c| {
            let (label, other) = match lang {
                Lang::En if !c.label_en.is_empty() => (c.label_en.trim(), c.label.trim()),
                _ => (c.label.trim(), c.label_en.trim()),
            };
            let plain = |w: &str| w.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_' || ch == '-');
            let named_by_label = !label.is_empty() && label != c.value && plain(label) && fresh(label);
            let mut value = if named_by_label {
                PossibleValue::new(label.to_string()).help(c.value.to_string()).alias(c.value)
            } else {
                fresh(c.value);
                PossibleValue::new(c.value).help(label.to_string())
            };
            for alias in [label, other] {
                if alias != c.value && !(named_by_label && alias == label) && fresh(alias) {
                    value = value.alias(alias.to_string());
                }
            }
            value
        })
        .collect();
    PossibleValuesParser::new(values)
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("").trim()
}

fn first_paragraph(text: &str) -> &str {
    text.split("\n\n").next().unwrap_or("").trim()
}

/// What a command asks for, read from its matches.
pub(crate) struct Invocation {
    pub request: Value,
    pub all: bool,
    pub dry_run: bool,
    pub output: Output,
    pub deadline: Option<u64>,
}

/// The request: `--json` (text, `@file` or `-` for stdin), then each flag given, at its place.
pub(crate) fn invocation(api: &Api, matches: &ArgMatches) -> Result<Invocation, Failure> {
    let mut request = match matches.get_one::<String>(JSON) {
        Some(text) => read_json(text)?,
        None => Value::Object(Map::new()),
    };
    let Value::Object(fields) = &mut request else {
        return Err(Failure::Usage("--json: the request must be a JSON object".into()));
    };
    for flag in api.flags {
        let id = flag_name(flag);
        let value = if flag.list {
            match values_of(matches, &id, flag)? {
                Some(items) => Value::Array(items),
                None => continue,
            }
        } else {
            match values_of(matches, &id, flag)?.and_then(|mut items| items.pop()) {
                Some(v) => v,
                None => continue,
            }
        };
        set(fields, flag.path, value);
    }
    Ok(Invocation {
        request,
        all: matches.try_get_one::<bool>(ALL).ok().flatten().copied().unwrap_or(false),
        dry_run: matches.get_flag(DRY_RUN),
        output: matches.get_one::<Output>(OUTPUT).copied().unwrap_or(Output::Json),
        deadline: matches.try_get_one::<u64>(DEADLINE).ok().flatten().copied(),
    })
}

/// A flag's values as JSON, `None` when it is not given.
fn values_of(matches: &ArgMatches, id: &str, flag: &Flag) -> Result<Option<Vec<Value>>, Failure> {
    let values: Option<Vec<Value>> = match flag.kind {
        Kind::Integer => matches.get_many::<i64>(id).map(|v| v.map(|n| Value::from(*n)).collect()),
        Kind::Number => matches.get_many::<f64>(id).map(|v| v.map(|n| Value::from(*n)).collect()),
        Kind::Boolean => matches.get_many::<bool>(id).map(|v| v.map(|b| Value::Bool(*b)).collect()),
        Kind::Text => matches.get_many::<String>(id).map(|v| v.map(|s| Value::String(s.clone())).collect()),
        Kind::Base64 => matches
            .get_many::<String>(id)
            .map(|v| v.map(|s| Value::String(base64::engine::general_purpose::STANDARD.encode(s))).collect()),
        Kind::Choice => matches.get_many::<String>(id).map(|v| v.map(|s| choice_value(flag.choices, s)).collect()),
        Kind::Json => match matches.get_many::<String>(id) {
            Some(texts) => Some(
                texts
                    .map(|t| {
                        serde_json::from_str(t)
                            .map_err(|e| Failure::Usage(format!("--{id}: not JSON ({e}): {}", shorten(t))))
                    })
                    .collect::<Result<_, _>>()?,
            ),
            None => None,
        },
    };
    Ok(values)
}

/// The wire value of what the parser took: a value, or a label of one (case does not matter).
fn choice_value(choices: &[Choice], given: &str) -> Value {
    let same = |a: &str| a.trim().eq_ignore_ascii_case(given.trim());
    let choice =
        choices.iter().find(|c| same(c.value)).or_else(|| choices.iter().find(|c| same(c.label) || same(c.label_en)));
    match choice {
        Some(c) if c.integer => c.value.parse::<i64>().map_or_else(|_| Value::String(c.value.into()), Value::from),
        Some(c) => Value::String(c.value.into()),
        None => Value::String(given.into()),
    }
}

/// Sets `value` at `path`, making the objects on the way.
fn set(fields: &mut Map<String, Value>, path: &[&str], value: Value) {
    let Some((last, parents)) = path.split_last() else { return };
    let mut at = fields;
    for key in parents {
        let slot = at.entry(key.to_string()).or_insert_with(|| Value::Object(Map::new()));
        if !slot.is_object() {
            *slot = Value::Object(Map::new());
        }
        let Value::Object(next) = slot else { return };
        at = next;
    }
    at.insert(last.to_string(), value);
}

fn read_json(text: &str) -> Result<Value, Failure> {
    let (source, content) = if text == "-" {
        let mut buffer = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut buffer)
            .map_err(|e| Failure::Usage(format!("--json -: cannot read the standard input: {e}")))?;
        ("the standard input".to_string(), buffer)
    } else if let Some(path) = text.strip_prefix('@') {
        let content = std::fs::read_to_string(path).map_err(|e| Failure::Usage(format!("--json @{path}: {e}")))?;
        (path.to_string(), content)
    } else {
        ("--json".to_string(), text.to_string())
    };
    serde_json::from_str(&content).map_err(|e| Failure::Usage(format!("{source} is not JSON: {e}")))
}

fn shorten(text: &str) -> String {
    let mut short: String = text.chars().take(60).collect();
    if short.len() < text.len() {
        short.push('…');
    }
    short
}
