//! An API's `Endpoint` marker: method, path, path and query parameter names, flavor, one-of groups.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::pages;
use crate::ir::{Api, Field, Flavor, HttpMethod, ParamLocation, System, TypeKind};

use super::marker_ident;
use super::request_and_response;
use super::rustdoc::escape_doc;

pub(super) fn emit_marker(system: &System, api: &Api) -> TokenStream {
    let marker = marker_ident(api);
    let (request, response) = request_and_response(api, quote!(super::));
    let sys = &system.name;
    let name = &api.name;
    let id = format!("{}.{}", system.name, api.name);
    let path = &api.path;
    let method = format_ident!(
        "{}",
        match api.method {
            HttpMethod::Get => "Get",
            HttpMethod::Post => "Post",
            HttpMethod::Put => "Put",
            HttpMethod::Patch => "Patch",
            HttpMethod::Delete => "Delete",
        }
    );
    let flavor = match system.flavor {
        Flavor::Esb => quote!(crate::Flavor::Esb),
        Flavor::Gateway => quote!(crate::Flavor::Gateway),
    };
    let fields: &[Field] = match system.type_def(&api.request).map(|t| &t.kind) {
        Some(TypeKind::Struct { fields }) => fields,
        _ => &[],
    };
    let path_params = fields.iter().filter(|f| f.location == ParamLocation::Path).map(|f| f.name.as_str());
    let query_params = fields.iter().filter(|f| f.location == ParamLocation::Query).map(|f| f.name.as_str());
    let first_line = api.summary.lines().next().unwrap_or_default();
    let doc = format!(" `{} {}`: {}", api.method.as_str(), api.path, escape_doc(first_line));
    let gateway = system.gateway.as_ref().map(|g| quote!(const GATEWAY: &'static str = #g;));
    let one_of = (!api.one_of.is_empty()).then(|| {
        let groups = api.one_of.iter().map(|g| quote!(&[#(#g),*]));
        quote!(const ONE_OF: &'static [&'static [&'static str]] = &[#(#groups),*];)
    });
    let idempotent = api.idempotent.then(|| {
        quote!(
            const IDEMPOTENT: bool = true;
        )
    });
    let list_body = api.list_body.as_ref().map(|field| quote!(const LIST_BODY: Option<&'static str> = Some(#field);));
    let paged = pages::emit_paged_impl(system, api);
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, Copy)]
        pub struct #marker;

        impl crate::Endpoint for #marker {
            type Request = #request;
            type Response = #response;
            const SYSTEM: &'static str = #sys;
            const NAME: &'static str = #name;
            const ID: &'static str = #id;
            const METHOD: crate::Method = crate::Method::#method;
            const PATH: &'static str = #path;
            const FLAVOR: crate::Flavor = #flavor;
            const PATH_PARAMS: &'static [&'static str] = &[#(#path_params),*];
            const QUERY_PARAMS: &'static [&'static str] = &[#(#query_params),*];
            #one_of
            #gateway
            #idempotent
            #list_body
        }

        #paged
    }
}
