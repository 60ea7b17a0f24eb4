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
    // What `FromStr` takes besides the wire value: the variant's name and each language's label.
    let labels_of = |v: &EnumValue| -> Vec<String> {
        std::iter::once(v.doc.trim())
            .chain(v.other_labels.iter().map(|l| l.trim()))
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect()
    };
    let listed: Vec<(&Ident, String, Vec<String>)> = variants
        .iter()
        .zip(values.iter().filter(|v| repr == EnumRepr::String || v.value.trim().parse::<i64>().is_ok()))
        .map(|((ident, _, shown, _), v)| (ident, shown.clone(), labels_of(v)))
        .collect();
    let by_wire =
        listed.iter().map(|(ident, shown, _)| quote!(#shown => return ::std::result::Result::Ok(Self::#ident),));
    let by_name = listed.iter().map(|(ident, ..)| {
        let name = ident.to_string();
        quote!(if text.eq_ignore_ascii_case(#name) { return ::std::result::Result::Ok(Self::#ident); })
    });
    let by_label = listed.iter().filter(|(_, _, labels)| !labels.is_empty()).map(|(ident, _, labels)| {
        quote!(if [#(#labels),*].iter().any(|l| l.eq_ignore_ascii_case(text)) { return ::std::result::Result::Ok(Self::#ident); })
    });
    let first_label = listed.iter().map(|(ident, _, labels)| match labels.first() {
        Some(label) => quote!(Self::#ident => Some(#label),),
        None => quote!(Self::#ident => None,),
    });
    let accepted = listed
        .iter()
        .map(|(_, shown, labels)| match labels.first() {
            Some(l) => format!("`{shown}` ({l})"),
            None => format!("`{shown}`"),
        })
        .collect::<Vec<_>>()
        .join(", ");
    let label_rest = quote!(_ => None,);
    let display = match repr {
        EnumRepr::String => quote!(f.write_str(self.as_str())),
        EnumRepr::Integer => quote!(write!(f, "{}", self.code())),
    };
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
        let error = quote!(crate::wire::WireError::unlisted(#unlisted, #type_name));
        let from = quote! {
            _ if crate::wire::is_checking() => return ::std::result::Result::Err(#error),
            _ => Self::#unknown(wire),
        };
        (quote!(#[doc = #unknown_doc] #unknown(#payload),), to, from)
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

        impl #name {
            /// The doc's label of the value (its first language's); `None` for an unlisted value or one without.
            pub fn label(&self) -> Option<&'static str> {
                #[allow(unreachable_patterns)]
                match self {
                    #(#first_label)*
                    #label_rest
                }
            }
        }

        /// The value as sent on the wire.
        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                #display
            }
        }

        /// The wire value (`3`), the variant's name or a label in either language (`执行成功`, `Success`);
        /// ASCII case is ignored. An unlisted value is refused (build `Unknown(…)` to send one).
        impl ::std::str::FromStr for #name {
            type Err = crate::wire::WireError;

            fn from_str(text: &str) -> ::std::result::Result<Self, Self::Err> {
                let text = text.trim();
                match text {
                    #(#by_wire)*
                    _ => {}
                }
                #(#by_name)*
                #(#by_label)*
                ::std::result::Result::Err(crate::wire::WireError::not_a_value(text, #type_name, #accepted))
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
