//! Stage 2b: per-API trees → one system's IR with a single namespace of types (typify-style type space).
//!
//! Names are deterministic: the first API (in file order) keeps a name; a later, different type with the same
//! name is prefixed with its API's name, then numbered. Identical types are shared.

use crate::ir::{Api, Field, Flavor, System, Type, TypeDef, TypeKind};
use crate::lower::{ApiDraft, FieldNode, Ty};
use crate::naming::{camel_ident, is_reserved_type_name, type_name_candidate};

pub fn build_system(name: &str, flavor: Flavor, gateway: Option<String>, drafts: Vec<ApiDraft>) -> System {
    let mut space = TypeSpace { types: Vec::new() };
    let mut apis = Vec::new();
    for draft in drafts {
        // Unlocated APIs cannot be called: loaders report and drop them before this stage.
        let Some((method, path)) = draft.location.clone() else { continue };
        let prefix = camel_ident(&draft.name);
        let mut cx = ApiCx { space: &mut space, prefix: &prefix, source: &draft.source };
        let request = match cx.flatten(&Ty::Object(draft.request.clone())) {
            Type::Named(n) => n,
            _ => format!("{prefix}Request"),
        };
        let response = cx.flatten(&draft.response);
        // The runtime decodes the envelope itself; its objects (`permission`, `error`) get no named types.
        let envelope =
            draft.envelope.iter().map(|f| Field { ty: untyped_objects(&f.ty), ..cx.field_without_type(f) }).collect();
        apis.push(Api {
            name: draft.name,
            source: draft.source,
            summary: draft.summary,
            method,
            path,
            request,
            response,
            envelope,
            examples: draft.examples,
            corrections: draft.corrections,
            one_of: draft.one_of,
            table_keys: draft.table_keys,
            paging: draft.paging,
            request_section: draft.request_section,
        });
    }
    System { name: name.to_string(), flavor, gateway, apis, types: space.types }
}

struct TypeSpace {
    types: Vec<TypeDef>,
}

impl TypeSpace {
    /// Adds a type, or finds an identical one; returns the name it is known by.
    fn intern(&mut self, def: TypeDef, prefix: &str) -> String {
        let mut n = 1u32;
        loop {
            let name = type_name_candidate(&def.name, prefix, n);
            if is_reserved_type_name(&name) {
                n += 1;
                continue;
            }
            match self.types.iter().find(|t| t.name == name) {
                None => {
                    self.types.push(TypeDef { name: name.clone(), ..def });
                    return name;
                }
                Some(existing) if same_shape(&existing.kind, &def.kind) => return name,
                Some(_) => n += 1,
            }
        }
    }
}

/// Same wire shape: docs and lines may differ.
fn same_shape(a: &TypeKind, b: &TypeKind) -> bool {
    match (a, b) {
        (TypeKind::Struct { fields: fa }, TypeKind::Struct { fields: fb }) => {
            fa.len() == fb.len()
                && fa.iter().zip(fb).all(|(x, y)| {
                    x.name == y.name
                        && x.ty == y.ty
                        && x.required == y.required
                        && x.location == y.location
                        && (x.secret, x.base64, x.deprecated) == (y.secret, y.base64, y.deprecated)
                })
        }
        (TypeKind::Enum { values: va, open: oa, repr: ra }, TypeKind::Enum { values: vb, open: ob, repr: rb }) => {
            ra == rb && oa == ob && va.len() == vb.len() && va.iter().zip(vb).all(|(x, y)| x.value == y.value)
        }
        _ => false,
    }
}

struct ApiCx<'a> {
    space: &'a mut TypeSpace,
    prefix: &'a str,
    source: &'a str,
}

impl ApiCx<'_> {
    fn flatten(&mut self, ty: &Ty) -> Type {
        match ty {
            Ty::Scalar(t) => t.clone(),
            Ty::Array(inner) => Type::Array(Box::new(self.flatten(inner))),
            Ty::Map(inner) => Type::Map(Box::new(self.flatten(inner))),
            Ty::Object(o) => {
                let fields = o.fields.iter().map(|f| self.field(f)).collect();
                let def = TypeDef {
                    name: o.name.clone(),
                    doc: o.doc.clone(),
                    source: self.source.to_string(),
                    line: o.line,
                    kind: TypeKind::Struct { fields },
                };
                Type::Named(self.space.intern(def, self.prefix))
            }
            Ty::Enum(e) => {
                let def = TypeDef {
                    name: e.name.clone(),
                    doc: e.doc.clone(),
                    source: self.source.to_string(),
                    line: e.line,
                    kind: TypeKind::Enum { values: e.values.clone(), open: true, repr: e.repr },
                };
                Type::Named(self.space.intern(def, self.prefix))
            }
        }
    }

    fn field(&mut self, f: &FieldNode) -> Field {
        Field { ty: self.flatten(&f.ty), ..self.field_without_type(f) }
    }

    fn field_without_type(&self, f: &FieldNode) -> Field {
        Field {
            name: f.name.clone(),
            ty: Type::Json,
            required: f.required,
            doc: f.doc.clone(),
            line: f.line,
            type_word: f.type_word.clone(),
            location: f.location,
            documented_values: f.documented_values.clone(),
            inferred: f.inferred,
            from_example: f.from_example,
            secret: f.secret,
            base64: f.base64,
            deprecated: f.deprecated,
        }
    }
}

/// A type with every object replaced by an untyped map.
fn untyped_objects(ty: &Ty) -> Type {
    match ty {
        Ty::Scalar(t) => t.clone(),
        Ty::Array(inner) => Type::Array(Box::new(untyped_objects(inner))),
        Ty::Map(_) | Ty::Object(_) => Type::Map(Box::new(Type::Json)),
        Ty::Enum(_) => Type::String,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::HttpMethod;
    use crate::locate::Location;
    use crate::lower::{LowerOptions, MetaSource, Surroundings, lower_api};

    fn draft(api: &str, text: &str) -> ApiDraft {
        let doc = crate::markdown::parse(&format!("{api}.md"), text);
        let meta = MetaSource { path: "bkapi.toml", text: "" };
        let at = Location {
            method: Some(HttpMethod::Post),
            path: format!("/{api}/"),
            origin: "test".into(),
            by_convention: false,
            by_words: false,
        };
        lower_api(
            &doc,
            api,
            Flavor::Esb,
            None,
            &meta,
            Surroundings { beside: Some(&at), shared: &[] },
            LowerOptions::default(),
        )
        .0
        .expect("an API")
    }

    fn doc_with(section: &str, field: &str) -> String {
        format!(
            "### 请求参数\n\n| 字段 | 类型 | 必选 | 描述 |\n|---|---|---|---|\n| {section} | object | 是 | x |\n\n\
             #### {section}\n\n| 字段 | 类型 | 必选 | 描述 |\n|---|---|---|---|\n| {field} | string | 是 | x |\n"
        )
    }

    #[test]
    fn identical_types_are_shared_and_collisions_renamed_deterministically() {
        let drafts = vec![
            draft("a", &doc_with("server", "ip")),
            draft("b", &doc_with("server", "ip")),
            draft("c", &doc_with("server", "host")),
            draft("d", &doc_with("result", "ok")),
        ];
        let system = build_system("s", Flavor::Esb, None, drafts.clone());
        let names: Vec<&str> = system.types.iter().map(|t| t.name.as_str()).collect();
        // `b` shares `a`'s Server; `c`'s differs and takes its API's name; `Result` would shadow std's.
        assert_eq!(names, ["Server", "ARequest", "BRequest", "CServer", "CRequest", "DResult", "DRequest"]);
        assert_eq!(build_system("s", Flavor::Esb, None, drafts), system, "the same input gives the same names");
    }
}
