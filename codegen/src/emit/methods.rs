//! Client methods (async, and blocking behind the feature) and the waiters declared in metadata.

use proc_macro2::TokenStream;
use quote::quote;

use super::pages;
use super::types::field_named;
use crate::ir::{Api, System, Type, TypeKind};
use crate::naming::module_name;
use crate::naming::{field_ident_text, make_ident};

use super::doc_examples::request_example_code;
use super::marker_ident;
use super::rustdoc::{doc_text, escape_doc};
use super::{api_module_ident, request_and_response};

/// One client method; `blocking` gives the `blocking::Client` twin (same name and docs, no `async`).
pub(super) fn emit_method(system: &System, api: &Api, blocking: bool) -> TokenStream {
    let method = make_ident(&field_ident_text(&api.name));
    let marker = marker_ident(api);
    let (request, response) = request_and_response(api, TokenStream::new());
    let summary = doc_text(&api.summary, &api.name);
    let http = format!(" `{} {}`", api.method.as_str(), api.path);
    let source = format!(" Generated from `{}`.", api.source);
    let corrections = api.corrections.iter().map(|c| {
        let line = format!(
            " - `{}`: the doc says `{}`, corrected to `{}`{}",
            c.target,
            escape_doc(&c.doc_says),
            escape_doc(&c.corrected),
            if c.reason.is_empty() { String::new() } else { format!(" — {}", escape_doc(&c.reason)) }
        );
        quote!(#[doc = #line])
    });
    let corrections_head = (!api.corrections.is_empty())
        .then(|| quote!(#[doc = ""] #[doc = " Corrections applied to the doc (see `bkapi.toml`):"]));
    // The doc's request example, compiled as a doctest (async methods; the blocking twins share the types).
    let example = (!blocking).then(|| request_example_code(system, api)).flatten().map(|code| {
        let module = module_name(&system.name);
        let method = field_ident_text(&api.name);
        let api_module = api_module_ident(api);
        let mut lines = vec![
            String::new(),
            " # Example".to_string(),
            String::new(),
            " The doc's request example, built with these types:".to_string(),
            String::new(),
            " ```no_run".to_string(),
            " # use bkapi::prelude::*;".to_string(),
            " # async fn example(client: &bkapi::Client) -> Result<(), bkapi::Error> {".to_string(),
            format!(" use bkapi::{module}::{api_module}::*;"),
            String::new(),
        ];
        lines.extend(code.lines().map(|l| format!(" {l}")));
        lines.push(format!(" let response = client.{module}().{method}(request).await?;"));
        lines.extend([
            " # let _ = response;".to_string(),
            " # Ok(())".to_string(),
            " # }".to_string(),
            " ```".to_string(),
        ]);
        let lines = lines.into_iter().map(|l| quote!(#[doc = #l]));
        quote!(#(#lines)*)
    });
    // A route no source gives is said where the user reads the method.
    let unconfirmed = api.unconfirmed_route.as_deref().map(|why| {
        let line = format!(" **Route not confirmed**: {}.", escape_doc(why));
        quote!(#[doc = ""] #[doc = #line])
    });
    // The doc's own name for an API published under another: found by rustdoc's search either way.
    let aliases = api.aliases.iter().map(|a| {
        let line = format!(" Documented as `{}`.", escape_doc(a));
        quote!(#[doc = ""] #[doc = #line] #[doc(alias = #a)])
    });
    let docs = quote! {
        #summary
        #[doc = ""]
        #[doc = #http]
        #(#aliases)*
        #unconfirmed
        #[doc = ""]
        #[doc = #source]
        #corrections_head
        #(#corrections)*
        #example
    };
    let function = if blocking {
        quote! {
            pub fn #method(&self, request: #request) -> std::result::Result<#response, crate::Error> {
                self.client.call::<endpoints::#marker>(request)
            }
        }
    } else {
        quote! {
            pub async fn #method(&self, request: #request) -> std::result::Result<#response, crate::Error> {
                self.client.call::<endpoints::#marker>(request).await
            }
        }
    };
    let pages = pages::emit_pages_method(system, api, blocking);
    quote! {
        #docs
        #function
        #pages
    }
}

/// A waiter: the API called again (backoff, deadline: `crate::WaitPolicy`) until `done_when` is `true`.
pub(super) fn emit_waiter(system: &System, waiter: &crate::ir::Waiter, blocking: bool) -> Option<TokenStream> {
    let api = system.apis.iter().find(|a| a.name == waiter.api)?;
    let method = make_ident(&field_ident_text(&waiter.name));
    let marker = marker_ident(api);
    let (request, response) = request_and_response(api, TokenStream::new());
    let response_def = match &api.response {
        Type::Named(n) => system.type_def(n)?,
        _ => return None,
    };
    let TypeKind::Struct { fields } = &response_def.kind else { return None };
    let (flag_field, flag_ident) = field_named(fields, &waiter.done_when)?;
    let done = if flag_field.required {
        quote!(|r: &#response| r.#flag_ident)
    } else {
        quote!(|r: &#response| r.#flag_ident == Some(true))
    };
    let what = if waiter.doc.is_empty() { String::new() } else { format!(" {}", escape_doc(&waiter.doc)) };
    let retried = if api.idempotent || api.method == crate::ir::HttpMethod::Get {
        " A poll that fails and may pass (`Error::is_retryable`) does not end the wait."
    } else {
        ""
    };
    let mut doc = format!(
        " Calls [`{}`](Self::{}) until its answer's `{}` is `true`, and returns that answer (backoff and deadline: \
         `policy`; past the deadline, `Error::Timeout`).{retried}{what}",
        api.name,
        field_ident_text(&api.name),
        waiter.done_when
    );
    let outcome = success_check(system, response_def, waiter, &response);
    if outcome.is_some() {
        let values: Vec<String> = waiter.success_values.iter().map(ToString::to_string).collect();
        doc.push_str(&format!(
            " A final answer whose `{}` is not {} is `Error::Unsuccessful`, which holds the answer \
             (`err.final_answer::<{}>()`).",
            waiter.success_path.join("."),
            values.join(" or "),
            response_def.name
        ));
    }
    let (call, args) = match &outcome {
        Some(outcome) => (quote!(wait_for_outcome), quote!(request, policy, #done, #outcome)),
        None => (quote!(wait_until), quote!(request, policy, #done)),
    };
    Some(if blocking {
        quote! {
            #[doc = #doc]
            pub fn #method(&self, request: #request, policy: &crate::WaitPolicy) -> std::result::Result<#response, crate::Error> {
                self.client.#call::<endpoints::#marker>(#args)
            }
        }
    } else {
        quote! {
            #[doc = #doc]
            pub async fn #method(&self, request: #request, policy: &crate::WaitPolicy) -> std::result::Result<#response, crate::Error> {
                self.client.#call::<endpoints::#marker>(#args).await
            }
        }
    })
}

/// The closure that judges a waiter's final answer by its success rule: the field reached through the
/// response's objects (each optional one may be absent: then it is no success), compared with the values.
fn success_check(
    system: &System,
    response_def: &crate::ir::TypeDef,
    waiter: &crate::ir::Waiter,
    response: &TokenStream,
) -> Option<TokenStream> {
    if waiter.success_path.is_empty() || waiter.success_values.is_empty() {
        return None;
    }
    let mut def = response_def;
    let mut reach = quote!(Some(r));
    let mut last_type = None;
    let mut last_enum = None;
    for segment in &waiter.success_path {
        let TypeKind::Struct { fields } = &def.kind else { return None };
        let (field, ident) = field_named(fields, segment)?;
        reach = if field.required {
            quote!(#reach.map(|v| &v.#ident))
        } else {
            quote!(#reach.and_then(|v| v.#ident.as_ref()))
        };
        match &field.ty {
            Type::Named(n) => match system.type_def(n)? {
                d @ crate::ir::TypeDef { kind: TypeKind::Struct { .. }, .. } => def = d,
                // The last segment: an enum of listed values, compared by its wire value.
                enum_def => last_enum = Some(enum_def),
            },
            other => last_type = Some(other.clone()),
        }
    }
    let field = waiter.success_path.join(".");
    let shown: Vec<String> = waiter.success_values.iter().map(ToString::to_string).collect();
    let expected = shown.join(" or ");
    let accepted = match (last_enum.map(|d| &d.kind), last_type) {
        (Some(TypeKind::Enum { repr, .. }), _) if !repr.is_string() => {
            let values: Vec<i64> = waiter.success_values.iter().filter_map(serde_json::Value::as_i64).collect();
            quote!(value.is_some_and(|v| [#(#values),*].contains(&v.code())))
        }
        (Some(TypeKind::Enum { .. }), _) => {
            let values: Vec<&str> = waiter.success_values.iter().filter_map(serde_json::Value::as_str).collect();
            quote!(value.is_some_and(|v| [#(#values),*].contains(&v.as_str())))
        }
        (Some(_), _) | (None, None) => return None,
        (None, Some(last_type)) => match last_type {
            Type::Integer => {
                let values: Vec<i64> = waiter.success_values.iter().filter_map(serde_json::Value::as_i64).collect();
                quote!(value.is_some_and(|v| [#(#values),*].contains(v)))
            }
            Type::String => {
                let values: Vec<&str> = waiter.success_values.iter().filter_map(serde_json::Value::as_str).collect();
                quote!(value.is_some_and(|v| [#(#values),*].contains(&v.as_str())))
            }
            _ => return None,
        },
    };
    let message = format!("`{field}` is {{found}}, not {expected}");
    Some(quote! {
        |r: &#response| {
            let value = #reach;
            if #accepted {
                Ok(())
            } else {
                let found = value.map_or_else(|| "absent".to_string(), |v| v.to_string());
                Err(format!(#message))
            }
        }
    })
}
