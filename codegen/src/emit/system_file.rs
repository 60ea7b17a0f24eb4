//! One system's file: a module per API holding the types it reaches (shared ones re-exported), its request and
//! response beside it, the system's API structs with their methods and waiters, and serde through `Wire`.

use std::collections::{BTreeSet, HashMap};

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::mock;
use super::render::{Chunk, FormatMemo, Source};
use crate::ir::{Api, System, Type, TypeDef, TypeKind};
use crate::naming::module_name;
use crate::naming::{camel_ident, field_ident_text, make_ident};

use super::endpoints::emit_marker;
use super::methods::{emit_method, emit_waiter};
use super::types::{Names, emit_type};
use super::{api_module_ident, api_struct_ident, blocking_api_struct_ident, marker_ident};

/// One system's file, rendered item by item (see [`super::render`]): each API's module a type at a time, the API
/// structs a method at a time.
pub(super) fn emit_system(system: &System, memo: Option<&mut FormatMemo>) -> Result<String, String> {
    let api_struct = api_struct_ident(system);
    let blocking_struct = blocking_api_struct_ident(system);
    let blocking_doc = format!(
        " `{}` blocking client: the methods of [`{api_struct}`] without `async`. Get it from \
         [`crate::BlockingApis::{m}`] (`blocking_client.{m}()`).",
        system.name,
        m = module_name(&system.name)
    );
    let doc = format!(
        " `{}` client: one method per API. Get it from [`crate::Apis::{m}`] (`client.{m}()`).",
        system.name,
        m = module_name(&system.name)
    );
    let mut source = Source::with_memo(memo);
    source.items(quote! {
        #![allow(rustdoc::bare_urls, rustdoc::broken_intra_doc_links, rustdoc::invalid_html_tags)]
    })?;
    // Types by name, once: a doc with 40,000 value lists has 40,000 types, each looked up by its API.
    let types: HashMap<&str, &TypeDef> = system.types.iter().map(|t| (t.name.as_str(), t)).collect();
    let request_side = request_side_types(&types, system);
    for api in &system.apis {
        emit_api_module(&mut source, &types, api, &request_side)?;
    }
    source.items(mock::emit_system_routes(system))?;
    let markers = system.apis.iter().map(|a| emit_marker(system, a));
    source.items(quote! {
        /// Endpoint descriptions (method, path, types) that the runtime calls through.
        pub mod endpoints {
            #(#markers)*
        }

        #[doc = #doc]
        #[derive(Debug, Clone, Copy)]
        pub struct #api_struct<'a> {
            client: &'a crate::Client,
        }
    })?;
    let methods = system.apis.iter().map(|a| emit_method(system, a, false));
    let waiters = system.waiters.iter().filter_map(|w| emit_waiter(system, w, false));
    let constructor = quote! {
        pub(crate) fn new(client: &'a crate::Client) -> Self {
            Self { client }
        }
    };
    source.block(
        |body| quote!(impl<'a> #api_struct<'a> { #body }),
        std::iter::once(constructor).chain(methods).chain(waiters),
    )?;
    source.items(quote! {
        #[doc = #blocking_doc]
        #[cfg(feature = "blocking")]
        #[derive(Debug, Clone, Copy)]
        pub struct #blocking_struct<'a> {
            client: &'a crate::blocking::Client,
        }
    })?;
    let blocking_methods = system.apis.iter().map(|a| emit_method(system, a, true));
    let blocking_waiters = system.waiters.iter().filter_map(|w| emit_waiter(system, w, true));
    let constructor = quote! {
        pub(crate) fn new(client: &'a crate::blocking::Client) -> Self {
            Self { client }
        }
    };
    source.block(
        |body| quote!(#[cfg(feature = "blocking")] impl<'a> #blocking_struct<'a> { #body }),
        std::iter::once(constructor).chain(blocking_methods).chain(blocking_waiters),
    )?;
    Ok(source.finish())
}

/// An API's module: the types its doc defines first (with their `Wire` impls and serde's traits), the
/// others it reaches re-exported under its names; its request and response also beside the module.
fn emit_api_module(
    source: &mut Source,
    types: &HashMap<&str, &TypeDef>,
    api: &Api,
    request_side: &BTreeSet<&str>,
) -> Result<(), String> {
    let module = api_module_ident(api);
    let home = field_ident_text(&api.name);
    let empty = TokenStream::new();
    let names = Names { names: &api.names, path: &empty };
    let mut defined = Vec::new();
    let mut homed = Vec::new();
    let mut reexports = Vec::new();
    for (ir_name, visible) in &api.names {
        let Some(def) = types.get(ir_name.as_str()) else { continue };
        let ident = format_ident!("{}", visible);
        if def.module == home {
            homed.push(def);
            defined.push(ident);
        } else {
            let (from, local) = (make_ident(&def.module), format_ident!("{}", def.local));
            let alias = (def.local != *visible).then(|| quote!(as #ident));
            reexports.push(quote!(pub use super::#from::#local #alias;));
        }
    }
    let serde = (!defined.is_empty()).then(|| quote!(crate::serde_through_wire!(#(#defined),*);));
    let doc = format!(" Types of [`{}`](super::endpoints::{}).", api.name, marker_ident(api));
    // A type's tokens are built only when its turn comes: the module holds one at a time.
    let definitions = homed.into_iter().flat_map(|def| emit_type(def, request_side.contains(def.name.as_str()), names));
    source.block(
        |body| quote!(#[doc = #doc] pub mod #module { #body }),
        std::iter::once(Chunk::from(quote!(#(#reexports)*))).chain(definitions).chain(serde.map(Chunk::from)),
    )?;
    // Beside the module too: names that start with the API's own (`FastExecuteScriptRequest`), which no other
    // API's can be.
    let prefix = camel_ident(&api.name);
    let response = match &api.response {
        Type::Named(n) => Some(n.as_str()),
        _ => None,
    };
    let beside = std::iter::once(api.request.as_str()).chain(response).filter_map(|n| {
        let visible = names.visible(n);
        visible.starts_with(&prefix).then(|| format_ident!("{}", visible))
    });
    source.items(quote!(#(pub use #module::#beside;)*))
}

/// The named types a request is built from: its type and every type its fields reach. They get setters.
fn request_side_types<'s>(types: &HashMap<&str, &'s TypeDef>, system: &'s System) -> BTreeSet<&'s str> {
    let mut todo: Vec<&str> = system.apis.iter().map(|a| a.request.as_str()).collect();
    let mut found: BTreeSet<&str> = BTreeSet::new();
    while let Some(name) = todo.pop() {
        let Some(def) = types.get(name) else { continue };
        if !found.insert(def.name.as_str()) {
            continue;
        }
        if let TypeKind::Struct { fields } = &def.kind {
            todo.extend(fields.iter().filter_map(|f| f.ty.named()));
        }
    }
    found
}
