//! One system's file: a module per API holding the types it reaches (shared ones re-exported), its request and
//! response beside it, the system's API structs with their methods and waiters, and serde through `Wire`.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::mock;
use crate::ir::{Api, System, Type, TypeKind};
use crate::naming::module_name;
use crate::naming::{camel_ident, field_ident_text, make_ident};

use super::endpoints::emit_marker;
use super::methods::{emit_method, emit_waiter};
use super::types::{Names, emit_type};
use super::{api_module_ident, api_struct_ident, blocking_api_struct_ident, marker_ident};

/// One system's file. Types are parsed one by one and joined as syn items: re-parsing one huge token stream
/// would copy every token again.
pub(super) fn emit_system(system: &System) -> Result<syn::File, String> {
    let markers = system.apis.iter().map(|a| emit_marker(system, a));
    let api_struct = api_struct_ident(system);
    let methods = system.apis.iter().map(|a| emit_method(system, a, false));
    let blocking_methods = system.apis.iter().map(|a| emit_method(system, a, true));
    let waiters = system.waiters.iter().filter_map(|w| emit_waiter(system, w, false));
    let blocking_waiters = system.waiters.iter().filter_map(|w| emit_waiter(system, w, true));
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
    let parse = |tokens: TokenStream| syn::parse2::<syn::File>(tokens).map_err(|e| e.to_string());
    let mut file = parse(quote! {
        #![allow(rustdoc::bare_urls, rustdoc::broken_intra_doc_links, rustdoc::invalid_html_tags)]
    })?;
    let request_side = request_side_types(system);
    for api in &system.apis {
        file.items.extend(parse(emit_api_module(system, api, &request_side))?.items);
    }
    file.items.extend(parse(mock::emit_system_routes(system))?.items);
    file.items.extend(
        parse(quote! {
            /// Endpoint descriptions (method, path, types) that the runtime calls through.
            pub mod endpoints {
                #(#markers)*
            }

            #[doc = #doc]
            #[derive(Debug, Clone, Copy)]
            pub struct #api_struct<'a> {
                client: &'a crate::Client,
            }

            impl<'a> #api_struct<'a> {
                pub(crate) fn new(client: &'a crate::Client) -> Self {
                    Self { client }
                }

                #(#methods)*
                #(#waiters)*
            }

            #[doc = #blocking_doc]
            #[cfg(feature = "blocking")]
            #[derive(Debug, Clone, Copy)]
            pub struct #blocking_struct<'a> {
                client: &'a crate::blocking::Client,
            }

            #[cfg(feature = "blocking")]
            impl<'a> #blocking_struct<'a> {
                pub(crate) fn new(client: &'a crate::blocking::Client) -> Self {
                    Self { client }
                }

                #(#blocking_methods)*
                #(#blocking_waiters)*
            }
        })?
        .items,
    );
    Ok(file)
}

/// An API's module: the types its doc defines first (with their `Wire` impls and serde's traits), the
/// others it reaches re-exported under its names; its request and response also beside the module.
pub(super) fn emit_api_module(system: &System, api: &Api, request_side: &BTreeSet<&str>) -> TokenStream {
    let module = api_module_ident(api);
    let home = field_ident_text(&api.name);
    let empty = TokenStream::new();
    let names = Names { names: &api.names, path: &empty };
    let mut defined = Vec::new();
    let mut items = Vec::new();
    let mut reexports = Vec::new();
    for (ir_name, visible) in &api.names {
        let Some(def) = system.type_def(ir_name) else { continue };
        let ident = format_ident!("{}", visible);
        if def.module == home {
            items.push(emit_type(def, request_side.contains(def.name.as_str()), names));
            defined.push(ident);
        } else {
            let (from, local) = (make_ident(&def.module), format_ident!("{}", def.local));
            let alias = (def.local != *visible).then(|| quote!(as #ident));
            reexports.push(quote!(pub use super::#from::#local #alias;));
        }
    }
    let serde = (!defined.is_empty()).then(|| quote!(crate::serde_through_wire!(#(#defined),*);));
    let doc = format!(" Types of [`{}`](super::endpoints::{}).", api.name, marker_ident(api));
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
    quote! {
        #[doc = #doc]
        pub mod #module {
            #(#reexports)*
            #(#items)*
            #serde
        }
        #(pub use #module::#beside;)*
    }
}

/// The named types a request is built from: its type and every type its fields reach. They get setters.
pub(super) fn request_side_types(system: &System) -> BTreeSet<&str> {
    reachable(system, system.apis.iter().map(|a| a.request.as_str()).collect())
}

fn reachable<'s>(system: &'s System, mut todo: Vec<&'s str>) -> BTreeSet<&'s str> {
    let mut found: BTreeSet<&str> = BTreeSet::new();
    while let Some(name) = todo.pop() {
        let Some(def) = system.type_def(name) else { continue };
        if !found.insert(def.name.as_str()) {
            continue;
        }
        if let TypeKind::Struct { fields } = &def.kind {
            todo.extend(fields.iter().filter_map(|f| f.ty.named()));
        }
    }
    found
}
