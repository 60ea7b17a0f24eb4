//! Diagnostics: what the generator could not handle or found contradictory, with file:line.

use std::fmt;

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Generation cannot be trusted: `regen` refuses to write.
    Error,
    /// Generated, but something was guessed or ignored.
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub file: String,
    pub line: u32,
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
    /// Stable code of the doc problems `cargo xtask drift` reviews (`D007` unknown type word, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<&'static str>,
    /// What a coded diagnostic is about (`hosts.port`, `server → topo_node`): the baseline keys accepted
    /// findings by it, so rewording a message does not change what is accepted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// The other place that says otherwise (file, line): the `en` doc of a `zh_hans` one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub related: Option<Box<(String, u32)>>,
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
