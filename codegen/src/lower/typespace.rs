//! Stage 2b: per-API trees → one system's IR with a single namespace of types (typify-style type space).
//!
//! IR names (identities) are deterministic: the first API (in file order) keeps a name; a later, different type
//! with the same name is prefixed with its API's name, then numbered. Identical types are shared.
//!
//! Public names are another matter: they must not depend on which other docs exist. Each API gets a module
//! and names every type it reaches there from its own doc alone ([`public_names`]); a type shared by several
//! APIs is defined in the first one's module and re-exported by the others under their names.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::ir::{Api, Field, Flavor, System, Type, TypeDef, TypeKind};
use crate::lower::{ApiDraft, FieldNode, Ty};
use crate::naming::{camel_ident, is_reserved_type_name, type_name_candidate};

pub fn build_system(name: &str, flavor: Flavor, gateway: Option<String>, drafts: Vec<ApiDraft>) -> System {
    let mut space = TypeSpace { types: Vec::new(), by_name: HashMap::new() };
    let mut apis = Vec::new();
    for draft in drafts {
        // Unlocated APIs cannot be called: loaders report and drop them before this stage.
        let Some((method, path)) = draft.route.clone() else { continue };
        let prefix = camel_ident(&draft.name);
        let mut cx = ApiFlattener { space: &mut space, prefix: &prefix, source: &draft.source };
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
            aliases: draft.aliases,
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
            translations: draft.translations,
            unconfirmed_route: draft.unconfirmed_route,
            list_body: draft.list_body,
            idempotent: draft.idempotent,
            names: BTreeMap::new(),
        });
    }
    let mut system = System { name: name.to_string(), flavor, gateway, apis, waiters: Vec::new(), types: space.types };
    public_names(&mut system);
    mark_response_types(&mut system);
    system
}

/// Marks every type a response reaches ([`TypeDef::in_responses`]).
fn mark_response_types(system: &mut System) {
    let index: HashMap<String, usize> = system.types.iter().enumerate().map(|(i, t)| (t.name.clone(), i)).collect();
    let mut todo: Vec<usize> =
        system.apis.iter().filter_map(|a| a.response.named()).filter_map(|n| index.get(n).copied()).collect();
    while let Some(i) = todo.pop() {
        let Some(def) = system.types.get_mut(i) else { continue };
        if std::mem::replace(&mut def.in_responses, true) {
            continue;
        }
        if let TypeKind::Struct { fields } = &def.kind {
            todo.extend(fields.iter().filter_map(|f| f.ty.named()).filter_map(|n| index.get(n).copied()));
        }
    }
}

/// Names each API's types in the API's module, walking its request then its response in field order: a type
/// keeps its doc name (`Server`) unless another type of the same API took it first (then `<Api>Server`, then
/// numbered). Each type's definition goes to the first API that reaches it.
fn public_names(system: &mut System) {
    let index: HashMap<String, usize> = system.types.iter().enumerate().map(|(i, t)| (t.name.clone(), i)).collect();
    // The doc's name of each type (interning keeps it in `local` until the home module names the type).
    let bases: Vec<String> =
        system.types.iter().map(|t| if t.local.is_empty() { t.name.clone() } else { t.local.clone() }).collect();
    let types = &mut system.types;
    for api in &mut system.apis {
        let prefix = camel_ident(&api.name);
        let module = crate::naming::field_ident_text(&api.name);
        let mut order: Vec<usize> = Vec::new();
        let mut reached: HashSet<usize> = HashSet::new();
        let mut stack = vec![Type::Named(api.request.clone()), api.response.clone()];
        stack.reverse();
        while let Some(ty) = stack.pop() {
            let Some(i) = ty.named().and_then(|n| index.get(n)).copied() else { continue };
            if !reached.insert(i) {
                continue;
            }
            order.push(i);
            if let Some(TypeKind::Struct { fields }) = types.get(i).map(|t| &t.kind) {
                stack.extend(fields.iter().rev().map(|f| f.ty.clone()));
            }
        }
        let mut taken: HashSet<String> = HashSet::new();
        for i in order {
            let (Some(def), Some(base)) = (types.get_mut(i), bases.get(i)) else { continue };
            let mut n = 1;
            let visible = loop {
                let candidate = type_name_candidate(base, &prefix, n);
                if !is_reserved_type_name(&candidate) && !taken.contains(&candidate) {
                    break candidate;
                }
                n += 1;
            };
            taken.insert(visible.clone());
            if def.module.is_empty() {
                def.module.clone_from(&module);
                def.local.clone_from(&visible);
            }
            api.names.insert(def.name.clone(), visible);
        }
    }
}

struct TypeSpace {
    types: Vec<TypeDef>,
    /// Position of each type in `types` by name: interning looks names up once per candidate.
    by_name: HashMap<String, usize>,
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
            match self.by_name.get(&name).and_then(|i| self.types.get(*i)) {
                None => {
                    // `local` keeps the doc's name until the type's home module names it.
                    self.by_name.insert(name.clone(), self.types.len());
                    self.types.push(TypeDef { name: name.clone(), local: def.name.clone(), ..def });
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

struct ApiFlattener<'a> {
    space: &'a mut TypeSpace,
    prefix: &'a str,
    source: &'a str,
}

impl ApiFlattener<'_> {
    fn flatten(&mut self, ty: &Ty) -> Type {
        match ty {
            Ty::Scalar(t) => t.clone(),
            Ty::Array(inner) => Type::Array(Box::new(self.flatten(inner))),
            Ty::Map(inner) => Type::Map(Box::new(self.flatten(inner))),
            Ty::Object(o) => {
                let mut fields: Vec<Field> = o.fields.iter().map(|f| self.field(f)).collect();
                pair_names_are_not_secrets(&mut fields);
                let def = TypeDef {
                    name: o.name.clone(),
                    module: String::new(),
                    local: String::new(),
                    doc: o.doc.clone(),
                    source: self.source.to_string(),
                    line: o.line,
                    kind: TypeKind::Struct { fields },
                    in_responses: false,
                    placed_by_keys: o.placed_by_keys,
                };
                Type::Named(self.space.intern(def, self.prefix))
            }
            Ty::Enum(e) => {
                let def = TypeDef {
                    name: e.name.clone(),
                    module: String::new(),
                    local: String::new(),
                    doc: e.doc.clone(),
                    source: self.source.to_string(),
                    line: e.line,
                    kind: TypeKind::Enum { values: e.values.clone(), open: true, repr: e.repr },
                    in_responses: false,
                    placed_by_keys: None,
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

/// `{"key": "Content-Type", "value": "application/json"}`: beside a `value`, a `key` names the pair (a header, a
/// query parameter, a label), it is no credential. A lone `key` (node manager's SSH key) stays secret.
fn pair_names_are_not_secrets(fields: &mut [Field]) {
    if fields.iter().any(|f| f.name.eq_ignore_ascii_case("value")) {
        for f in fields.iter_mut().filter(|f| f.name.eq_ignore_ascii_case("key")) {
            f.secret = false;
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
    use crate::lower::{LowerInput, MetaSource, Surroundings, lower_api};
    use crate::read::locate::Route;

    fn draft(api: &str, text: &str) -> ApiDraft {
        let doc = crate::read::markdown::parse(&format!("{api}.md"), text);
        let meta = MetaSource { path: "bkapi.toml", text: "" };
        let at = Route {
            method: Some(HttpMethod::Post),
            path: format!("/{api}/"),
            origin: "test".into(),
            name: api.to_string(),
            matched: crate::read::locate::Match::Exact,
        };
        let around = Surroundings { beside: Some(&at), ..Surroundings::default() };
        lower_api(LowerInput { meta_source: meta, around, ..LowerInput::new(&doc, api) }).0.expect("an API")
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
        assert_eq!(build_system("s", Flavor::Esb, None, drafts.clone()), system, "the same input gives the same names");
    }

    /// What users write: `s::c::Server`. No other doc, before or after, changes it.
    fn public_names_of(system: &System, api: &str) -> Vec<String> {
        let api = system.apis.iter().find(|a| a.name == api).unwrap();
        let mut names: Vec<String> = api.names.values().cloned().collect();
        names.sort();
        names
    }

    #[test]
    fn public_names_come_from_the_api_s_own_doc() {
        let c = draft("c", &doc_with("server", "host"));
        let alone = build_system("s", Flavor::Esb, None, vec![c.clone()]);
        let with_others = build_system(
            "s",
            Flavor::Esb,
            None,
            vec![draft("a", &doc_with("server", "ip")), draft("b", &doc_with("server", "ip")), c],
        );
        assert_eq!(public_names_of(&alone, "c"), ["CRequest", "Server"]);
        assert_eq!(public_names_of(&with_others, "c"), ["CRequest", "Server"], "a's Server does not rename c's");
        // `b` reaches `a`'s Server: defined once, in `a`'s module, re-exported by `b` under its own name.
        let server = with_others.types.iter().find(|t| t.name == "Server").unwrap();
        assert_eq!((server.module.as_str(), server.local.as_str()), ("a", "Server"));
        assert_eq!(public_names_of(&with_others, "b"), ["BRequest", "Server"]);
        // `Result` would shadow std's, in every module.
        let d = build_system("s", Flavor::Esb, None, vec![draft("d", &doc_with("result", "ok"))]);
        assert_eq!(public_names_of(&d, "d"), ["DRequest", "DResult"]);
    }
}
