//! Enums of the values a doc lists (string or integer codes), with `Unknown` when open, and their `Wire` impls.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use crate::ir::{EnumRepr, EnumValue};
use crate::naming::{unknown_variant, variant_names};

use super::rustdoc::{Rustdoc, doc_text};

/// An enum of the values a doc lists, sent as its value: a string, or an integer code (read from a number or
/// a numeric string too). An unknown value becomes `Unknown(value)` when open, an error when closed.
pub(super) fn emit_enum(
    name: &Ident,
    doc: &Rustdoc,
    origin: &str,
    values: &[EnumValue],
    open: bool,
    repr: EnumRepr,
) -> TokenStream {
    let names = variant_names(values, repr);
    // Each variant with its wire value as a literal and as shown in its rustdoc; a listed code that is no
    // integer has no variant.
    let variants: Vec<(Ident, TokenStream, String, Rustdoc)> = values
        .iter()
        .zip(&names)
        .filter_map(|(v, text)| {
            let (literal, shown) = match repr {
                EnumRepr::String => {
                    let value = &v.value;
                    (quote!(#value), value.clone())
                }
                EnumRepr::Integer => {
                    let code: i64 = v.value.trim().parse().ok()?;
                    (quote!(#code), code.to_string())
                }
            };
            // Both languages' labels (`成功 / Success`).
            let labels: Vec<&str> = std::iter::once(v.doc.trim())
                .chain(v.other_labels.iter().map(|l| l.trim()))
                .filter(|l| !l.is_empty())
                .collect();
            let vdoc = doc_text(&labels.join(" / "), &format!("`{shown}`"));
            Some((format_ident!("{}", text), literal, shown, vdoc))
        })
        .collect();
    let decls = variants.iter().map(|(ident, _, shown, vdoc)| {
        let wire_doc = format!(" Sent as `{shown}`.");
        quote! { #vdoc #[doc = ""] #[doc = #wire_doc] #ident, }
    });
    let to_wire_value = variants.iter().map(|(ident, literal, ..)| quote!(Self::#ident => #literal,));
    let from_wire_value = variants.iter().map(|(ident, literal, ..)| quote!(#literal => Self::#ident,));
    let unknown = format_ident!("{}", unknown_variant(&names));
    let type_name = name.to_string();
    // What differs between the two: the derive, the payload of `Unknown`, the accessor, reading and writing.
    let (copy, payload, unknown_doc, accessor, (read, scrutinee), unlisted, write) = match repr {
        EnumRepr::String => (
            None,
            quote!(String),
            " A value the docs do not list (sent by a newer server).",
            quote! {
                /// The value on the wire.
                pub fn as_str(&self) -> &str
            },
            (quote!(<String as crate::wire::Wire>::from_wire(value)?), quote!(wire.as_str())),
            quote!(&wire),
            quote!(serde_json::Value::String(self.as_str().to_string())),
        ),
        EnumRepr::Integer => (
            Some(quote!(Copy,)),
            quote!(i64),
            " A code the docs do not list (sent by a newer server).",
            quote! {
                /// The code on the wire.
                pub fn code(&self) -> i64
            },
            (quote!(crate::wire::code(value)?), quote!(wire)),
            quote!(&wire.to_string()),
            quote!(serde_json::Value::from(self.code())),
        ),
    };
    let (unknown_decl, unknown_to, unknown_from) = if open {
        let to = match repr {
            EnumRepr::String => quote!(Self::#unknown(wire) => wire,),
            EnumRepr::Integer => quote!(Self::#unknown(wire) => *wire,),
        };
        (quote!(#[doc = #unknown_doc] #unknown(#payload),), to, quote!(_ => Self::#unknown(wire),))
    } else {
        let error = quote!(crate::wire::WireError::unlisted(#unlisted, #type_name));
        (TokenStream::new(), TokenStream::new(), quote!(_ => return ::std::result::Result::Err(#error),))
    };
    quote! {
        #doc
        #[doc = ""]
        #[doc = #origin]
        #[derive(Debug, Clone, #copy PartialEq, Eq, Hash)]
        pub enum #name {
            #(#decls)*
            #unknown_decl
        }

        impl #name {
            #accessor {
                match self {
                    #(#to_wire_value)*
                    #unknown_to
                }
            }
        }

        impl crate::wire::Wire for #name {
            fn from_wire(value: serde_json::Value) -> ::std::result::Result<Self, crate::wire::WireError> {
                let wire = #read;
                ::std::result::Result::Ok(match #scrutinee {
                    #(#from_wire_value)*
                    #unknown_from
                })
            }

            fn to_wire(&self) -> serde_json::Value {
                #write
            }
        }
    }
}
