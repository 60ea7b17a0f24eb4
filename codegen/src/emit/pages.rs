//! Paged APIs: `impl crate::Paged` on the endpoint marker (where the request asks for a page and where a
//! response has its items and total, from the IR's [`Paging`]) and the `…_pages` methods that walk every page
//! through the runtime (`Stream` async, `Iterator` blocking).

use proc_macro2::TokenStream;
use quote::quote;

use super::marker_ident;
use super::rustdoc::escape_doc;
use super::types::{Names, rust_type};
use super::{api_module_ident, request_and_response};
use crate::ir::{Api, PageRequest, Paging, System, Type, TypeKind};
use crate::naming::{field_ident_text, make_ident};

/// The IR type of one item of a paged API's responses: the element of the response's items list. `None`
/// when the API does not page (both its request and its response must show how).
fn page_item<'s>(system: &'s System, api: &'s Api) -> Option<&'s Type> {
    let (Some(_), Some(response)) = (&api.paging.request, &api.paging.response) else { return None };
    let Type::Named(name) = &api.response else { return None };
    let TypeKind::Struct { fields } = &system.type_def(name)?.kind else { return None };
    match &fields.iter().find(|f| f.name == response.items)?.ty {
        Type::Array(item) => Some(item),
        _ => None,
    }
}

/// The method that walks every page: `search_business_pages`. `None` when the API does not page, or when
/// another API of the system already has that method name.
fn pages_method_name(system: &System, api: &Api) -> Option<String> {
    page_item(system, api)?;
    let name = format!("{}_pages", field_ident_text(&api.name));
    (!system.apis.iter().any(|a| field_ident_text(&a.name) == name)).then_some(name)
}

/// Whether the bindings walk the API's pages (`impl Paged` and a `…_pages` method).
pub(super) fn is_paged(system: &System, api: &Api) -> bool {
    pages_method_name(system, api).is_some()
}

/// `impl crate::Paged for <marker>`, for a paged API.
pub(super) fn emit_paged_impl(system: &System, api: &Api) -> Option<TokenStream> {
    pages_method_name(system, api)?;
    let item = page_item(system, api)?;
    let module = api_module_ident(api);
    let path = quote!(super::#module::);
    let item = rust_type(item, Names { names: &api.names, path: &path });
    let marker = marker_ident(api);
    let Paging { request: Some(request), response: Some(response), max_page_size } = &api.paging else {
        return None;
    };
    let request = match request {
        PageRequest::PageObject { field, start, limit } => {
            quote!(crate::pages::PageRequest::PageObject { field: #field, start: #start, limit: #limit })
        }
        PageRequest::Offset { start, limit } => {
            quote!(crate::pages::PageRequest::Offset { start: #start, limit: #limit })
        }
        PageRequest::PageNumber { page, size } => {
            quote!(crate::pages::PageRequest::PageNumber { page: #page, size: #size })
        }
    };
    let items = &response.items;
    let total = match &response.total {
        Some(total) => quote!(Some(#total)),
        None => quote!(None),
    };
    let max = match max_page_size.map(proc_macro2::Literal::u64_unsuffixed) {
        Some(max) => quote!(Some(#max)),
        None => quote!(None),
    };
    Some(quote! {
        impl crate::Paged for #marker {
            type Item = #item;
            const PAGING: crate::Paging = crate::Paging {
                request: #request,
                items: #items,
                total: #total,
                max_page_size: #max,
            };
        }
    })
}

/// `…_pages(request)`: every item of a paged API; `blocking` gives the `Iterator` twin of the `Stream`.
pub(super) fn emit_pages_method(system: &System, api: &Api, blocking: bool) -> Option<TokenStream> {
    let name = pages_method_name(system, api)?;
    let item = page_item(system, api)?;
    let (Some(request_paging), Some(response_paging)) = (&api.paging.request, &api.paging.response) else {
        return None;
    };
    let method = make_ident(&name);
    let call = field_ident_text(&api.name);
    let marker = marker_ident(api);
    let (request, _) = request_and_response(api, TokenStream::new());
    let module = api_module_ident(api);
    let path = quote!(#module::);
    let item = rust_type(item, Names { names: &api.names, path: &path });
    let asks = match request_paging {
        PageRequest::PageObject { field, start, limit } => format!("`{field}.{start}` / `{field}.{limit}`"),
        PageRequest::Offset { start, limit } => format!("`{start}` / `{limit}`"),
        PageRequest::PageNumber { page, size } => format!("`{page}` / `{size}`"),
    };
    let size = match api.paging.max_page_size {
        Some(max) => format!("the request's page size, at most {max} (the doc's maximum; {max} when unset)"),
        None => "the request's page size (`bkapi::pages::DEFAULT_PAGE_SIZE` when unset)".to_string(),
    };
    let stop = match &response_paging.total {
        Some(total) => format!("until the items reach the latest `{total}`"),
        None => "until an empty or short page".to_string(),
    };
    let doc = format!(
        " Every item of [`{}`](Self::{call}), page after page: asks with {asks} from where `request` points, \
         {size}, {stop}. A failing page ends the walk with its error after the items before it (a server \
         that repeats a page: `Error::Paging`).",
        escape_doc(&api.name),
    );
    Some(if blocking {
        quote! {
            #[doc = #doc]
            pub fn #method(&self, request: #request) -> crate::blocking::Pages<'a, endpoints::#marker> {
                self.client.pages::<endpoints::#marker>(request)
            }
        }
    } else {
        quote! {
            #[doc = #doc]
            pub fn #method(&self, request: #request) -> impl crate::Stream<Item = std::result::Result<#item, crate::Error>> + 'a {
                self.client.pages::<endpoints::#marker>(request)
            }
        }
    })
}
