//! The command line's description of every API (`cli/src/apis/`), the third artifact beside the bindings and the
//! OpenAPI documents: for each API its texts in both languages, its route, one flag per field a flag can set (a
//! scalar, a list of scalars, a value from a list, a field of a request object) and the call itself, through
//! the bindings' endpoint type (`bkapi::jobv3::endpoints::FastExecuteScript`), so that a request is checked
//! by the very types a Rust program uses. The CLI builds its commands from these tables when it runs.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::pages::is_paged;
use super::{GeneratedFile, feature_name, marker_ident, render};
use crate::Error;
use crate::ir::{Api, EnumRepr, ExampleKind, Field, Ir, System, Type, TypeKind};
use crate::naming::{bare_module_name, module_name};

/// Names the CLI's own options take: a field of one of these names is set through `--json` only.
const RESERVED_FLAGS: &[&str] =
    &["json", "output", "all", "dry-run", "lang", "profile", "help", "version", "deadline", "quiet"];

/// `mod.rs` (every system behind its feature) and one file per system.
pub fn emit_cli(ir: &Ir) -> Result<Vec<GeneratedFile>, Error> {
    let mut files = vec![emit_cli_root_file(ir)?];
    for system in &ir.systems {
        files.push(emit_cli_system_file(system)?);
    }
    Ok(files)
}

/// The command line's `mod.rs`: every system behind its feature.
pub fn emit_cli_root_file(ir: &Ir) -> Result<GeneratedFile, Error> {
    Ok(GeneratedFile { path: "mod.rs".into(), content: render("mod.rs", emit_cli_root(ir))? })
}

/// One system's command-line tables, from that system's IR alone.
pub fn emit_cli_system_file(system: &System) -> Result<GeneratedFile, Error> {
    let path = format!("{}.rs", bare_module_name(&system.name));
    Ok(GeneratedFile { content: render(&path, emit_cli_system(system))?, path })
}

fn emit_cli_root(ir: &Ir) -> TokenStream {
    let mods = ir.systems.iter().map(|s| {
        let m = format_ident!("{}", module_name(&s.name));
        let feature = feature_name(&s.name);
        quote! { #[cfg(feature = #feature)] mod #m; }
    });
    let pushes = ir.systems.iter().map(|s| {
        let m = format_ident!("{}", module_name(&s.name));
        let feature = feature_name(&s.name);
        quote! { #[cfg(feature = #feature)] systems.push(&#m::SYSTEM); }
    });
    quote! {
        //! Every system the CLI was built with (one Cargo feature each), as `cargo xtask regen` describes it.
        #(#mods)*

        /// The systems whose features are on, in `api-docs/` order.
        #[allow(unused_mut, clippy::vec_init_then_push)]
        pub(crate) fn systems() -> Vec<&'static crate::spec::System> {
            let mut systems: Vec<&'static crate::spec::System> = Vec::new();
            #(#pushes)*
            systems
        }
    }
}

fn emit_cli_system(system: &System) -> TokenStream {
    let name = &system.name;
    let m = format_ident!("{}", module_name(&system.name));
    let apis = system.apis.iter().map(|api| {
        let marker = marker_ident(api);
        let endpoint = quote!(bkapi::#m::endpoints::#marker);
        let (api_name, summary, method, path) = (&api.name, &api.summary, api.method.as_str(), &api.path);
        let flags = flags_of(system, api).into_iter().map(|flag| emit_flag(&flag));
        let example = request_example(system, api);
        let (call, pages) = if is_paged(system, api) {
            (quote!(crate::run::call_paged::<#endpoint>), quote!(Some(crate::run::all::<#endpoint>)))
        } else {
            (quote!(crate::run::call::<#endpoint>), quote!(None))
        };
        quote! {
            crate::spec::Api {
                name: #api_name,
                summary: #summary,
                method: #method,
                path: #path,
                flags: &[#(#flags),*],
                example: #example,
                call: #call,
                pages: #pages,
            }
        }
    });
    let (waiter_specs, waiter_fns): (Vec<_>, Vec<_>) = system
        .waiters
        .iter()
        .filter_map(|w| {
            let api = system.apis.iter().find(|a| a.name == w.api)?;
            let marker = marker_ident(api);
            let run = format_ident!("{}", w.name);
            let (waiter, polled, doc) = (&w.name, &w.api, &w.doc);
            let spec = quote! { crate::spec::Waiter { name: #waiter, api: #polled, doc: #doc, run: #run } };
            let function = quote! {
                fn #run(context: &crate::run::Context, request: serde_json::Value) -> crate::run::Running<'_> {
                    Box::pin(async move {
                        let request = crate::run::request::<bkapi::#m::endpoints::#marker>(request)?;
                        let policy = context.wait_policy();
                        let apis = bkapi::Apis::#m(&context.client);
                        let answer = crate::run::with_progress(context, #polled, apis.#run(request, &policy)).await;
                        crate::run::print_answer::<bkapi::#m::endpoints::#marker>(context, answer)
                    })
                }
            };
            Some((spec, function))
        })
        .unzip();
    let doc = format!("`{name}`: its APIs and waiters as the CLI's commands.");
    quote! {
        #[doc = #doc]
        pub(crate) static SYSTEM: crate::spec::System = crate::spec::System {
            name: #name,
            apis: &[#(#apis),*],
            waiters: &[#(#waiter_specs),*],
        };
        #(#waiter_fns)*
    }
}

/// One flag: where its value goes in the request, and how it is read.
#[derive(Debug, Clone, PartialEq)]
struct Flag {
    /// Wire names from the request's top (`["page", "limit"]` for `--page.limit`).
    path: Vec<String>,
    kind: FlagKind,
    list: bool,
    required: bool,
    secret: bool,
    doc: String,
    choices: Vec<Choice>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum FlagKind {
    Text,
    Integer,
    Number,
    Boolean,
    /// Plain text the CLI encodes, as the field wants Base64 on the wire.
    Base64,
    /// A value from a list: `choices`.
    Choice,
    /// JSON text (an object, a list of objects, a map).
    Json,
}

#[derive(Debug, Clone, PartialEq)]
struct Choice {
    value: String,
    label: String,
    label_en: String,
    integer: bool,
}

/// The request's flags: every field, and the fields of a field that is an object (`--page.limit`).
fn flags_of(system: &System, api: &Api) -> Vec<Flag> {
    let Some(TypeKind::Struct { fields }) = system.type_def(&api.request).map(|t| &t.kind) else { return Vec::new() };
    let mut flags = Vec::new();
    for f in fields {
        let top = flag_of(system, f, vec![f.name.clone()]);
        let nested = match &f.ty {
            Type::Named(n) => match system.type_def(n).map(|t| &t.kind) {
                Some(TypeKind::Struct { fields: inner }) => inner
                    .iter()
                    .map(|g| flag_of(system, g, vec![f.name.clone(), g.name.clone()]))
                    .filter(|g| g.kind != FlagKind::Json)
                    .map(|g| Flag { required: g.required && f.required, ..g })
                    .collect(),
                _ => Vec::new(),
            },
            _ => Vec::new(),
        };
        flags.push(top);
        flags.extend(nested);
    }
    // A flag needs a name the shell and clap take, not one of the CLI's own, and not one another field took.
    let mut seen = std::collections::BTreeSet::new();
    flags.retain(|flag| {
        let name = flag_name(&flag.path);
        let usable = flag.path.iter().all(|p| is_flag_word(p)) && !RESERVED_FLAGS.contains(&name.as_str());
        usable && seen.insert(name)
    });
    flags
}

/// `--page.limit` for `["page", "limit"]`, `--script-language` for `script_language`.
fn flag_name(path: &[String]) -> String {
    path.iter().map(|p| p.replace('_', "-")).collect::<Vec<_>>().join(".")
}

fn is_flag_word(word: &str) -> bool {
    word.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && word.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

fn flag_of(system: &System, f: &Field, path: Vec<String>) -> Flag {
    let (kind, list, choices) = kind_of(system, &f.ty);
    let kind = if f.base64 && kind == FlagKind::Text { FlagKind::Base64 } else { kind };
    Flag { path, kind, list, required: f.required, secret: f.secret, doc: f.doc.clone(), choices }
}

fn kind_of(system: &System, ty: &Type) -> (FlagKind, bool, Vec<Choice>) {
    let scalar = |ty: &Type| match ty {
        Type::String => Some((FlagKind::Text, Vec::new())),
        Type::Integer => Some((FlagKind::Integer, Vec::new())),
        Type::Number => Some((FlagKind::Number, Vec::new())),
        Type::Boolean => Some((FlagKind::Boolean, Vec::new())),
        Type::Named(n) => match system.type_def(n).map(|t| &t.kind) {
            Some(TypeKind::Enum { values, repr, .. }) => Some((
                FlagKind::Choice,
                values
                    .iter()
                    .map(|v| Choice {
                        value: v.value.clone(),
                        label: v.doc.clone(),
                        label_en: v.other_labels.first().cloned().unwrap_or_default(),
                        integer: *repr == EnumRepr::Integer,
                    })
                    .collect(),
            )),
            _ => None,
        },
        _ => None,
    };
    match ty {
        Type::Array(item) => match scalar(item) {
            Some((kind, choices)) => (kind, true, choices),
            None => (FlagKind::Json, false, Vec::new()),
        },
        other => match scalar(other) {
            Some((kind, choices)) => (kind, false, choices),
            None => (FlagKind::Json, false, Vec::new()),
        },
    }
}

fn emit_flag(flag: &Flag) -> TokenStream {
    let path = &flag.path;
    let kind = format_ident!("{}", format!("{:?}", flag.kind));
    let (list, required, secret, doc) = (flag.list, flag.required, flag.secret, &flag.doc);
    let choices = flag.choices.iter().map(|c| {
        let (value, label, label_en, integer) = (&c.value, &c.label, &c.label_en, c.integer);
        quote! { crate::spec::Choice { value: #value, label: #label, label_en: #label_en, integer: #integer } }
    });
    quote! {
        crate::spec::Flag {
            path: &[#(#path),*],
            kind: crate::spec::Kind::#kind,
            list: #list,
            required: #required,
            secret: #secret,
            doc: #doc,
            choices: &[#(#choices),*],
        }
    }
}

/// The doc's first request example, without the credentials, as the help shows it.
fn request_example(system: &System, api: &Api) -> String {
    let credential_parameters = system.credential_parameters(api);
    api.examples
        .iter()
        .filter(|e| e.kind == ExampleKind::Request)
        .find_map(|e| e.value.as_ref())
        .map(|v| {
            let params = crate::ir::request_params(v, &credential_parameters);
            serde_json::to_string_pretty(&params).unwrap_or_default()
        })
        .unwrap_or_default()
}
