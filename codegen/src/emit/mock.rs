//! `bkapi::mock` data (feature `mock`): per system a `mock_routes` that gives the mock server each API's
//! route and the `data` of its doc's first successful response example, and in `mod.rs` the list of all.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{feature_name, marker_ident};
use crate::ir::{Api, ExampleKind, Ir, System, is_error_response, response_data};
use crate::naming::module_name;

/// The JSON text the mock answers for `api`: the `data` of its doc's first successful response example,
/// `null` when it has none.
fn answer(api: &Api) -> String {
    api.examples
        .iter()
        .filter(|e| e.kind == ExampleKind::Response)
        .filter_map(|e| e.value.as_ref())
        .find(|v| !is_error_response(v))
        .map_or_else(|| "null".to_string(), |v| response_data(v).to_string())
}

/// A system file's `mock_routes`.
pub(super) fn emit_system_routes(system: &System) -> TokenStream {
    let routes = system.apis.iter().map(|api| {
        let marker = marker_ident(api);
        let data = answer(api);
        quote!(routes.push(crate::mock::Route::of::<endpoints::#marker>(#data));)
    });
    quote! {
        /// Each API's mock route and the `data` of its doc's response example (`bkapi::mock`).
        #[cfg(feature = "mock")]
        pub(crate) fn mock_routes(routes: &mut Vec<crate::mock::Route>) {
            #(#routes)*
        }
    }
}

/// `mod.rs`'s `mock_routes`: the routes of every system whose feature is on.
pub(super) fn emit_all_routes(ir: &Ir) -> TokenStream {
    let systems = ir.systems.iter().map(|s| {
        let m = format_ident!("{}", module_name(&s.name));
        let feature = feature_name(&s.name);
        quote!(#[cfg(feature = #feature)] #m::mock_routes(&mut routes);)
    });
    quote! {
        /// The routes of every API of the systems enabled, for `bkapi::mock`.
        #[cfg(feature = "mock")]
        pub fn mock_routes() -> Vec<crate::mock::Route> {
            #[allow(unused_mut)]
            let mut routes = Vec::new();
            #(#systems)*
            routes
        }
    }
}
