//! Client methods (async, and blocking behind the feature) and the waiters declared in metadata.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;

use super::pages;
use crate::ir::{Api, System, Type, TypeKind};
use crate::naming::module_name;
use crate::naming::{field_ident_text, make_ident, unique_field_ident};

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
    let docs = quote! {
        #summary
        #[doc = ""]
        #[doc = #http]
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
    let mut used = BTreeSet::new();
    let (flag_field, flag_ident) =
        fields.iter().map(|f| (f, unique_field_ident(&f.name, &mut used))).find(|(f, _)| f.name == waiter.done_when)?;
    let done = if flag_field.required {
        quote!(|r: &#response| r.#flag_ident)
    } else {
        quote!(|r: &#response| r.#flag_ident == Some(true))
    };
    let what = if waiter.doc.is_empty() { String::new() } else { format!(" {}", escape_doc(&waiter.doc)) };
    let doc = format!(
        " Calls [`{}`](Self::{}) until its answer's `{}` is `true`, and returns that answer (backoff and deadline: \
         `policy`; past the deadline, `Error::Timeout`).{what}",
        api.name,
        field_ident_text(&api.name),
        waiter.done_when
    );
    Some(if blocking {
        quote! {
            #[doc = #doc]
            pub fn #method(&self, request: #request, policy: &crate::WaitPolicy) -> std::result::Result<#response, crate::Error> {
                self.client.wait_until::<endpoints::#marker>(request, policy, #done)
            }
        }
    } else {
        quote! {
            #[doc = #doc]
            pub async fn #method(&self, request: #request, policy: &crate::WaitPolicy) -> std::result::Result<#response, crate::Error> {
                self.client.wait_until::<endpoints::#marker>(request, policy, #done).await
            }
        }
    })
}
