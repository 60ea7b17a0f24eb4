//! Structs of the IR's types: fields with their rustdoc and `#[deprecated]`, `new(required…)`, a setter per
//! optional field; and how an IR type is written as Rust where code goes.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use crate::ir::{Field, ParamLocation, Type, TypeDef, TypeKind};
use crate::naming::unique_field_ident;

use super::enums::emit_enum;
use super::render::Chunk;
use super::rustdoc::doc_text;
use super::wire_impls::emit_struct_wire;

/// The setter of an optional field: the field's name; `with_<name>` where that name would shadow the
/// constructor or a method of the traits every struct implements (`x.clone()`, `X::default()` would break).
pub(super) fn setter_ident(field: &Ident) -> Ident {
    const TAKEN: &[&str] = &[
        "new",
        "default",
        "clone",
        "clone_from",
        "eq",
        "ne",
        "fmt",
        "serialize",
        "deserialize",
        "from_wire",
        "to_wire",
        "absent",
        "is_absent",
        "into",
        "try_into",
        "to_owned",
    ];
    let text = field.to_string();
    let bare = text.trim_start_matches("r#");
    if TAKEN.contains(&bare) { format_ident!("with_{bare}") } else { field.clone() }
}

/// `value.field(x)` for each optional field: `FastExecuteScriptRequest::new(2).script_content("…")`.
pub(super) fn emit_setters<'a>(name: &Ident, fields: &'a [Field], idents: Vec<Ident>, names: Names<'a>) -> Chunk<'a> {
    let count = fields.iter().filter(|f| !f.required).count();
    let setters = fields.iter().zip(idents).filter(|(f, _)| !f.required).map(move |(f, ident)| {
        let setter = setter_ident(&ident);
        let ty = field_type(f, names);
        let doc = format!(" Sets `{}`.", f.name);
        let deprecated = f.deprecated.then(|| {
            let note = format!("deprecated in the doc: {}", f.doc.trim());
            quote!(#[deprecated(note = #note)] #[allow(deprecated)])
        });
        quote! {
            #[doc = #doc]
            #deprecated
            pub fn #setter(mut self, value: impl Into<#ty>) -> Self {
                self.#ident = Some(value.into());
                self
            }
        }
    });
    let name = name.clone();
    Chunk::item(move |setters| quote!(impl #name { #setters }), count, setters)
}

/// `with_setters`: a request's type. A type responses reach is read tolerantly (see `crate::wire::Record`).
/// In parts (the definition, its impls), each rendered on its own, and the parts of many members (fields,
/// setters) in pieces ([`Chunk::item`]): a type of 40,000 fields is a large syntax tree, and several of them at
/// once a larger one.
pub(super) fn emit_type<'a>(def: &'a TypeDef, with_setters: bool, names: Names<'a>) -> Vec<Chunk<'a>> {
    let name = format_ident!("{}", def.local);
    let doc = doc_text(&def.doc, &format!("`{}`", def.name));
    let origin = format!(" Defined in `{}` at line {}.", def.source, def.line);
    match &def.kind {
        TypeKind::Struct { fields } => {
            let all_optional = fields.iter().all(|f| !f.required);
            let default = all_optional.then(|| quote!(Default,));
            let idents = field_idents(fields);
            let extra = extra_ident(&idents);
            let extra_field = quote! {
                /// The keys the doc does not list, kept and sent back as they came (`extra.get::<T>(key)`
                /// reads one); for a response, also which required fields were absent.
                pub #extra: crate::wire::Extra,
            };
            let members = fields
                .iter()
                .zip(idents.clone())
                .map(move |(f, ident)| emit_field(f, &ident, names))
                .chain(std::iter::once(extra_field));
            let constructor = (!all_optional).then(|| {
                // Text and numbers as anything that converts (`new(BkScopeType::Biz, "2")`); lists, maps and named
                // types as they are, where a conversion would leave `vec![]` or `.into()` without a type.
                let converts = |f: &Field| matches!(f.ty, Type::String | Type::Integer | Type::Number);
                let params = fields.iter().zip(&idents).filter(|(f, _)| f.required).map(|(f, ident)| {
                    let ty = field_type(f, names);
                    if converts(f) { quote!(#ident: impl Into<#ty>) } else { quote!(#ident: #ty) }
                });
                let inits = fields.iter().zip(&idents).map(|(f, ident)| match (f.required, converts(f)) {
                    (true, true) => quote!(#ident: #ident.into()),
                    (true, false) => quote!(#ident),
                    (false, _) => quote!(#ident: None),
                });
                // Setting a deprecated field to `None` is not a use worth a warning.
                let allow_deprecated = fields.iter().any(|f| f.deprecated).then(|| quote!(#[allow(deprecated)]));
                quote! {
                    impl #name {
                        /// Creates a value from its required fields; optional fields start as `None`.
                        #[allow(clippy::too_many_arguments)]
                        #allow_deprecated
                        pub fn new(#(#params),*) -> Self {
                            Self { #(#inits,)* #extra: crate::wire::Extra::default() }
                        }
                    }
                }
            });
            let builder = (with_setters && fields.iter().filter(|f| f.required).count() > BUILDER_FROM)
                .then(|| emit_builder(&name, fields, &idents, names));
            let wire = emit_struct_wire(&name, fields, &idents, &extra, def.in_responses);
            let setters = (with_setters && fields.iter().any(|f| !f.required))
                .then(|| emit_setters(&name, fields, idents, names));
            let struct_name = name.clone();
            let definition = Chunk::item(
                move |members| {
                    quote! {
                        #doc
                        #[doc = ""]
                        #[doc = #origin]
                        #[derive(Debug, Clone, PartialEq, #default)]
                        pub struct #struct_name {
                            #members
                        }
                    }
                },
                fields.len() + 1,
                members,
            );
            let mut parts = vec![definition];
            parts.extend(constructor.map(Chunk::from));
            parts.extend(builder.into_iter().flatten());
            parts.extend(setters);
            parts.push(wire);
            parts
        }
        TypeKind::Enum { values, open, repr } => {
            vec![Chunk::from(emit_enum(&name, &doc, &origin, values, *open, *repr))]
        }
    }
}

/// Requests with more required fields than this get a builder that names them (`new` takes them by position).
const BUILDER_FROM: usize = 3;

/// `XRequest::builder().bk_biz_id(2).bk_scope_type(…)…build()?`: each required field set by name, `build`
/// saying which one is missing. Optional fields are set on the built value, by its setters.
/// In three parts: the builder's struct, `builder()`, and the builder's setters with `build`.
fn emit_builder<'a>(name: &Ident, fields: &'a [Field], idents: &[Ident], names: Names<'a>) -> [Chunk<'a>; 3] {
    let builder = format_ident!("{name}Builder");
    let required: Vec<(&Field, Ident)> =
        fields.iter().zip(idents).filter(|(f, _)| f.required).map(|(f, i)| (f, i.clone())).collect();
    let count = required.len();
    let slots = required.clone().into_iter().map(move |(f, ident)| {
        let ty = field_type(f, names);
        quote!(#ident: Option<#ty>,)
    });
    let takes: TokenStream = required
        .iter()
        .map(|(f, ident)| {
            let key = &f.name;
            quote!(let #ident = self.#ident.ok_or_else(|| crate::wire::WireError::new(format!("missing field `{}`", #key)))?;)
        })
        .collect();
    let args = required.iter().map(|(_, ident)| ident);
    let build = quote! {
        /// The value, or an error naming the first required field not set.
        #[allow(deprecated)]
        pub fn build(self) -> ::std::result::Result<#name, crate::wire::WireError> {
            #takes
            ::std::result::Result::Ok(#name::new(#(#args),*))
        }
    };
    let setters = required.into_iter().map(move |(f, ident)| {
        let ty = field_type(f, names);
        let setter = setter_ident(&ident);
        let doc = format!(" Sets `{}` (required).", f.name);
        quote! {
            #[doc = #doc]
            pub fn #setter(mut self, value: impl Into<#ty>) -> Self {
                self.#ident = Some(value.into());
                self
            }
        }
    });
    let doc = format!(" Builds a [`{name}`], its required fields set by name.");
    let builder_doc = format!(" Starts a [`{builder}`]: each required field by name, then `build()`.");
    let (struct_name, impl_name) = (builder.clone(), builder.clone());
    let definition = Chunk::item(
        move |slots| {
            quote! {
                #[doc = #doc]
                #[derive(Debug, Clone, Default)]
                #[must_use]
                pub struct #struct_name {
                    #slots
                }
            }
        },
        count,
        slots,
    );
    let start = Chunk::from(quote! {
        impl #name {
            #[doc = #builder_doc]
            pub fn builder() -> #builder {
                #builder::default()
            }
        }
    });
    let methods = Chunk::item(
        move |methods| quote!(impl #impl_name { #methods }),
        count + 1,
        setters.chain(std::iter::once(build)),
    );
    [definition, start, methods]
}

pub(super) fn emit_field(f: &Field, ident: &Ident, names: Names<'_>) -> TokenStream {
    let ty = field_type(f, names);
    let mut doc = doc_text(&f.doc, &format!("`{}`", f.name));
    match f.from_example {
        Some(line) => doc.push_str(&format!(" (Not in the doc's table; seen in its example at line {line}.)")),
        None if f.inferred => doc.push_str(" (Type inferred from the doc's example.)"),
        None => {}
    }
    // The wire name when the Rust name differs: the (de)serialization code says it, the reader should too.
    let renamed = (ident.to_string().trim_start_matches("r#") != f.name).then(|| {
        let note = format!(" Sent as `{}`.", f.name);
        quote!(#[doc = ""] #[doc = #note])
    });
    let location = match f.location {
        ParamLocation::Body => None,
        ParamLocation::Path => Some(quote!(#[doc = ""] #[doc = " Path parameter."])),
        ParamLocation::Query => Some(quote!(#[doc = ""] #[doc = " Query parameter."])),
    };
    // Users get a warning; the generated code's own uses (constructors, wire impls) allow it.
    let deprecated = f.deprecated.then(|| {
        let note = format!("deprecated in the doc: {}", f.doc.trim());
        quote!(#[deprecated(note = #note)])
    });
    let ty = if f.required { ty } else { quote!(Option<#ty>) };
    quote! {
        #doc
        #renamed
        #location
        #deprecated
        pub #ident: #ty,
    }
}

/// A field's Rust type: secrets are `crate::Secret` (serialized as the plain string, `Debug` redacted); Base64
/// fields `crate::Base64` (plain text or bytes in Rust, Base64 on the wire).
pub(super) fn field_type(f: &Field, names: Names<'_>) -> TokenStream {
    match (&f.ty, f.secret, f.base64) {
        (Type::String, true, _) => quote!(crate::Secret),
        (Type::String, false, true) => quote!(crate::Base64),
        _ => rust_type(&f.ty, names),
    }
}

/// The Rust names of a struct's fields, in order: unique within the struct. Every generator that names a field
/// (the struct, its setters, doc examples, waiters) takes them from here, so they agree.
/// The Rust name of a struct's [`crate::wire::Extra`] holder: `extra`, unless a listed field took it.
pub(super) fn extra_ident(idents: &[Ident]) -> Ident {
    let mut text = "extra".to_string();
    while idents.iter().any(|i| i.to_string().trim_start_matches("r#") == text) {
        text.push('_');
    }
    format_ident!("{text}")
}

pub(super) fn field_idents(fields: &[Field]) -> Vec<Ident> {
    let mut used: BTreeSet<String> = BTreeSet::new();
    fields.iter().map(|f| unique_field_ident(&f.name, &mut used)).collect()
}

/// A field of a struct by its wire name, with its Rust name.
pub(super) fn field_named<'f>(fields: &'f [Field], name: &str) -> Option<(&'f Field, Ident)> {
    fields.iter().zip(field_idents(fields)).find(|(f, _)| f.name == name)
}

/// How named types are written where code goes: by their public names in one API's module (`names`, see
/// [`Api::names`]), after `path` (empty inside that module, `fast_execute_script::` beside it).
#[derive(Clone, Copy)]
pub(super) struct Names<'a> {
    pub(super) names: &'a BTreeMap<String, String>,
    pub(super) path: &'a TokenStream,
}

impl Names<'_> {
    pub(super) fn visible<'n>(&'n self, ir_name: &'n str) -> &'n str {
        self.names.get(ir_name).map_or(ir_name, String::as_str)
    }
}

/// The Rust type for an IR type.
pub(super) fn rust_type(ty: &Type, names: Names<'_>) -> TokenStream {
    match ty {
        Type::String => quote!(String),
        Type::Integer => quote!(i64),
        Type::Number => quote!(f64),
        Type::Boolean => quote!(bool),
        Type::Json => quote!(serde_json::Value),
        Type::Array(t) => {
            let inner = rust_type(t, names);
            quote!(Vec<#inner>)
        }
        Type::Map(t) if **t == Type::Json => quote!(serde_json::Map<String, serde_json::Value>),
        Type::Map(t) => {
            let inner = rust_type(t, names);
            quote!(std::collections::BTreeMap<String, #inner>)
        }
        Type::Named(n) => {
            let ident = format_ident!("{}", names.visible(n));
            let path = names.path;
            quote!(#path #ident)
        }
    }
}
