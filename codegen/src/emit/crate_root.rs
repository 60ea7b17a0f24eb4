//! The crate's `apis/mod.rs`: one `mod` per system behind its feature, the `Apis` / `BlockingApis` traits that
//! give the clients their system accessors, the visitor over every endpoint, and the mock routes of all.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::mock;
use crate::ir::{Ir, System};
use crate::naming::module_name;
use crate::naming::{bare_module_name, module_file_name};

use super::{api_struct_ident, blocking_api_struct_ident, feature_name, flavor_word, marker_ident};

pub(super) fn emit_root(ir: &Ir) -> TokenStream {
    let mods = ir.systems.iter().map(|s| {
        let m = format_ident!("{}", module_name(&s.name));
        let feature = feature_name(&s.name);
        let doc = format!(
            "`{}` APIs ({}), from `api-docs/{}/`. Cargo feature `{feature}`.",
            s.name,
            flavor_word(s.flavor),
            s.name
        );
        // A file rustc would not find from the module's name is named.
        let file = module_file_name(&s.name);
        let path = (file != format!("{}.rs", bare_module_name(&s.name))).then(|| quote!(#[path = #file]));
        quote! { #[doc = #doc] #[cfg(feature = #feature)] #path pub mod #m; }
    });
    let (declarations, definitions): (Vec<_>, Vec<_>) = ir.systems.iter().map(|s| system_accessor(s, false)).unzip();
    let (blocking_declarations, blocking_definitions): (Vec<_>, Vec<_>) =
        ir.systems.iter().map(|s| system_accessor(s, true)).unzip();
    let visits = ir.systems.iter().flat_map(|s| {
        let m = format_ident!("{}", module_name(&s.name));
        let feature = feature_name(&s.name);
        s.apis.iter().map(move |a| {
            let marker = marker_ident(a);
            quote! { #[cfg(feature = #feature)] visitor.visit::<#m::endpoints::#marker>(); }
        })
    });
    let mock_routes = mock::emit_all_routes(ir);
    quote! {
        //! Generated API modules, one per system folder of `api-docs/`.
        #(#mods)*

        /// The systems' APIs of a [`Client`](crate::Client): `client.jobv3()`, one method per system whose Cargo
        /// feature is on. In scope with `use bkapi::prelude::*`.
        pub trait Apis {
            #(#declarations)*
        }

        impl Apis for crate::Client {
            #(#definitions)*
        }

        /// The systems' APIs of a [`blocking::Client`](crate::blocking::Client). In scope with
        /// `use bkapi::prelude::*`.
        #[cfg(feature = "blocking")]
        pub trait BlockingApis {
            #(#blocking_declarations)*
        }

        #[cfg(feature = "blocking")]
        impl BlockingApis for crate::blocking::Client {
            #(#blocking_definitions)*
        }

        /// Calls `visitor.visit::<E>()` for every generated endpoint, in docs order.
        // Without any system feature there is nothing to visit.
        #[allow(unused_variables)]
        pub fn visit_endpoints<V: crate::EndpointVisitor>(visitor: &mut V) {
            #(#visits)*
        }

        #mock_routes
    }
}

/// A system's accessor on the `Apis` trait (`blocking`: on `BlockingApis`): its declaration and definition.
pub(super) fn system_accessor(s: &System, blocking: bool) -> (TokenStream, TokenStream) {
    let m = format_ident!("{}", module_name(&s.name));
    let feature = feature_name(&s.name);
    let (api, doc) = if blocking {
        (blocking_api_struct_ident(s), format!("The `{}` APIs ({}), blocking.", s.name, flavor_word(s.flavor)))
    } else {
        (api_struct_ident(s), format!("The `{}` APIs ({}).", s.name, flavor_word(s.flavor)))
    };
    let declaration = quote! {
        #[doc = #doc]
        #[cfg(feature = #feature)]
        fn #m(&self) -> #m::#api<'_>;
    };
    let definition = quote! {
        #[cfg(feature = #feature)]
        fn #m(&self) -> #m::#api<'_> {
            #m::#api::new(self)
        }
    };
    (declaration, definition)
}
