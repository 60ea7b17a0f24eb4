//! A struct's `Wire` impl: the runtime's record reader and writer, integer and string fields read leniently.
//! (An enum's `Wire` impl is written with its variants, in `enums.rs`.)

use proc_macro2::Ident;
use quote::{format_ident, quote};

use super::render::Chunk;
use crate::ir::{Field, Type};

/// How a record reads a field (see `crate::wire::Record`): integer and string fields leniently (ids come as
/// numbers or numeric strings), everything else strictly. They are sent as documented.
pub(super) fn field_reader(f: &Field) -> Ident {
    format_ident!(
        "{}",
        match (&f.ty, f.secret || f.base64, f.required) {
            (Type::Integer, _, true) => "int",
            (Type::Integer, _, false) => "opt_int",
            (Type::String, false, true) => "text",
            (Type::String, false, false) => "opt_text",
            _ => "field",
        }
    )
}

/// A struct's `Wire` impl: two small bodies calling the runtime's record reader and writer, far cheaper to
/// compile than serde's derives (serde's traits come through it, see `emit_system`).
/// `tolerant`: a response's struct (a missing required field reads as a placeholder, listed in `extra`); else a
/// request's (strict, refusing keys that look like typos of listed ones).
/// A struct of many fields has its three functions formatted one at a time (see [`Chunk::fns`]).
pub(super) fn emit_struct_wire<'a>(
    name: &Ident,
    fields: &[Field],
    idents: &[Ident],
    extra: &Ident,
    tolerant: bool,
) -> Chunk<'a> {
    let wire_name = name.to_string();
    let reads = fields.iter().zip(idents).map(|(f, ident)| {
        let (key, reader) = (&f.name, field_reader(f));
        quote!(#ident: record.#reader(#key)?,)
    });
    let writes = fields.iter().zip(idents).map(|(f, ident)| {
        let key = &f.name;
        quote!(record.field(#key, &self.#ident);)
    });
    let keys = fields.iter().map(|f| &f.name);
    let read = if tolerant { quote!(read_response) } else { quote!(read) };
    // A struct of optional fields has an empty value: what a response record lacking it reads.
    let placeholder = fields.iter().all(|f| !f.required).then(|| {
        quote! {
            fn placeholder() -> ::std::option::Option<Self> {
                ::std::option::Option::Some(Self::default())
            }
        }
    });
    // A struct without fields reads none.
    let allow_unused_reader = fields.is_empty().then(|| quote!(#[allow(unused_mut)]));
    let allow_deprecated = fields.iter().any(|f| f.deprecated).then(|| quote!(#[allow(deprecated)]));
    let from_wire = quote! {
        fn from_wire(value: serde_json::Value) -> ::std::result::Result<Self, crate::wire::WireError> {
            #allow_unused_reader
            let mut record = crate::wire::Record::#read(value, #wire_name, &[#(#keys),*])?;
            ::std::result::Result::Ok(Self { #(#reads)* #extra: record.finish()? })
        }
    };
    let to_wire = quote! {
        fn to_wire(&self) -> serde_json::Value {
            let mut record = crate::wire::RecordWriter::new();
            #(#writes)*
            self.#extra.write_into(&mut record);
            record.finish()
        }
    };
    let name = name.clone();
    Chunk::fns(
        move |fns| {
            quote! {
                #allow_deprecated
                impl crate::wire::Wire for #name {
                    #fns
                }
            }
        },
        fields.len(),
        [Some(from_wire), placeholder, Some(to_wire)].into_iter().flatten(),
    )
}
