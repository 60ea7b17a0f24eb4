//! Pass over two lowered docs of one API in two languages (`zh_hans` and `en`): one API whose texts are
//! both (Chinese first) and whose shape is the first doc's; every place where the second doc says otherwise —
//! a field one of them lacks, another type, another required flag, another value list — is drift `D011`,
//! with both file:line. The types carry what either doc documents: a field only the second lists is taken in,
//! also inside a field whose type the first doc's example gave.

use crate::diagnostics::Diagnostic;
use crate::diagnostics::codes::TRANSLATION_MISMATCH;
use crate::ir::{EnumValue, Translation};

use super::tree::{ApiDraft, FieldNode, ObjectNode, Ty};

/// Merges `other` (the same API in another language) into `primary`.
pub fn merge_translation(primary: &mut ApiDraft, other: ApiDraft) -> Vec<Diagnostic> {
    let mut cx = Merge { primary_file: &primary.source, other_file: &other.source, diags: Vec::new() };
    primary.summary = both(&primary.summary, &other.summary);
    cx.object(&mut primary.request, &other.request, "request");
    cx.ty(&mut primary.response, &other.response, "response");
    let diags = cx.diags;
    // The other doc's examples that say something the first doc's do not.
    let examples = other
        .examples
        .into_iter()
        .filter(|e| !primary.examples.iter().any(|p| p.kind == e.kind && p.value == e.value && e.value.is_some()))
        .collect();
    primary.translations.push(Translation {
        language: other.language,
        source: other.source,
        examples,
        table_keys: other.table_keys,
    });
    primary.translations.extend(other.translations);
    diags
}

/// Both texts, the first one first, as paragraphs; one when they are the same or one is empty.
fn both(first: &str, second: &str) -> String {
    joined(first, second, "\n\n")
}

/// Two labels of one value, on one line.
fn both_labels(first: &str, second: &str) -> String {
    joined(first, second, " / ")
}

fn joined(first: &str, second: &str, separator: &str) -> String {
    let (a, b) = (first.trim(), second.trim());
    if b.is_empty() || a == b {
        first.to_string()
    } else if a.is_empty() {
        second.to_string()
    } else {
        format!("{a}{separator}{b}")
    }
}

struct Merge<'a> {
    primary_file: &'a str,
    other_file: &'a str,
    diags: Vec<Diagnostic>,
}

impl Merge<'_> {
    fn disagree(&mut self, line: u32, other_line: u32, subject: String, message: String) {
        let d = Diagnostic::warning(self.primary_file, line, message)
            .with_code(TRANSLATION_MISMATCH, subject)
            .with_related(self.other_file, other_line)
            .with_help("correct the field in bkapi.toml, or accept the finding: the types follow the first doc");
        self.diags.push(d);
    }

    fn object(&mut self, a: &mut ObjectNode, b: &ObjectNode, path: &str) {
        a.doc = both(&a.doc, &b.doc);
        let documented = |f: &FieldNode| !f.inferred && f.from_example.is_none();
        for fb in &b.fields {
            let field_path = format!("{path}.{}", fb.name);
            match a.fields.iter_mut().find(|fa| fa.name == fb.name) {
                Some(fa) if documented(fa) && documented(fb) => self.field(fa, fb, &field_path),
                // One of them only has the field from an example (or the generator made it): nothing to
                // report here, but what the other doc documents inside it still reaches the types.
                Some(fa) => {
                    fa.doc = both(&fa.doc, &fb.doc);
                    if shape(&fa.ty) == shape(&fb.ty) {
                        self.ty_at(&mut fa.ty, &fb.ty, &field_path, (fa.line, fb.line));
                    }
                }
                None => {
                    if documented(fb) {
                        let msg = format!("`{field_path}`: only {} lists this field", self.other_file);
                        self.disagree(a.line, fb.line, format!("{field_path}: field"), msg);
                    }
                    // The types carry what either doc says. Lines are the first doc's: the field's is the
                    // object's, where it is missing.
                    let mut adopted = fb.clone();
                    at_line(&mut adopted, a.line);
                    adopted.required = false;
                    a.fields.push(adopted);
                }
            }
        }
        // An object the other doc only shows in its example lists nothing: what it lacks is not its doc's word.
        let b_is_listed = b.fields.iter().any(documented);
        for fa in a.fields.iter().filter(|f| documented(f) && b_is_listed) {
            if !b.fields.iter().any(|fb| fb.name == fa.name) {
                let field_path = format!("{path}.{}", fa.name);
                let msg = format!("`{field_path}`: {} does not list this field", self.other_file);
                self.disagree(fa.line, b.line, format!("{field_path}: field"), msg);
            }
        }
    }

    fn field(&mut self, a: &mut FieldNode, b: &FieldNode, path: &str) {
        a.doc = both(&a.doc, &b.doc);
        for value in &mut a.documented_values {
            if let Some(other) = b.documented_values.iter().find(|o| o.code == value.code) {
                value.label = both_labels(&value.label, &other.label);
            }
        }
        if a.required != b.required {
            let says = |r: bool| if r { "required" } else { "optional" };
            let msg = format!("`{path}` is {} here, {} in {}", says(a.required), says(b.required), self.other_file);
            self.disagree(a.line, b.line, format!("{path}: required"), msg);
        }
        let (shape_a, shape_b) = (shape(&a.ty), shape(&b.ty));
        if shape_a != shape_b {
            let msg = format!("`{path}` is {shape_a} here, {shape_b} in {}", self.other_file);
            self.disagree(a.line, b.line, format!("{path}: type"), msg);
            return;
        }
        self.ty_at(&mut a.ty, &b.ty, path, (a.line, b.line));
    }

    fn ty(&mut self, a: &mut Ty, b: &Ty, path: &str) {
        self.ty_at(a, b, path, (0, 0));
    }

    /// Same shapes: their texts merge, their value lists are compared.
    fn ty_at(&mut self, a: &mut Ty, b: &Ty, path: &str, lines: (u32, u32)) {
        match (a, b) {
            (Ty::Object(oa), Ty::Object(ob)) => self.object(oa, ob, path),
            (Ty::Array(ia), Ty::Array(ib)) => self.ty_at(ia, ib, &format!("{path}[]"), lines),
            (Ty::Map(ia), Ty::Map(ib)) => self.ty_at(ia, ib, &format!("{path}{{}}"), lines),
            (Ty::Enum(ea), Ty::Enum(eb)) => {
                ea.doc = both(&ea.doc, &eb.doc);
                let values = |v: &[EnumValue]| v.iter().map(|x| x.value.clone()).collect::<Vec<_>>();
                let (va, vb) = (values(&ea.values), values(&eb.values));
                let (mut sa, mut sb) = (va.clone(), vb.clone());
                sa.sort();
                sb.sort();
                let at = (lines.0.max(ea.line), lines.1.max(eb.line));
                if sa != sb {
                    // One list longer than the other (a value only one language lists) still numbers the same
                    // values the same. Numbered differently (bscp's `engine_type`: 0–3 here, 1–4 there), a
                    // label of one list says nothing about the other's same number: no variant is named from it.
                    let nested = sa.iter().all(|v| sb.contains(v)) || sb.iter().all(|v| sa.contains(v));
                    let msg = format!(
                        "`{path}` takes {} here, {} in {}{}",
                        va.join(", "),
                        vb.join(", "),
                        self.other_file,
                        if nested { "" } else { "; numbered differently, so the other language's labels are not used" }
                    );
                    self.disagree(at.0, at.1, format!("{path}: values"), msg);
                    if !nested {
                        return;
                    }
                }
                // The same label under two numbers (`2:Golang` here, `1:Golang…` there): the lists mean different
                // things by their numbers.
                if let Some((mine, theirs, label)) = same_label_elsewhere(&ea.values, &eb.values) {
                    let msg = format!(
                        "`{path}`: `{label}` is value {mine} here and {theirs} in {}; the other language's labels \
                         are not used",
                        self.other_file
                    );
                    self.disagree(at.0, at.1, format!("{path}: labels"), msg);
                    return;
                }
                for value in &mut ea.values {
                    let label = eb.values.iter().find(|o| o.value == value.value).map(|o| o.doc.trim());
                    if let Some(label) = label.filter(|l| !l.is_empty() && *l != value.doc.trim()) {
                        value.other_labels.push(label.to_string());
                    }
                }
            }
            _ => {}
        }
    }
}

/// A label (compared without case and spaces) that two value lists give to different values: (this list's value,
/// the other's, the label).
fn same_label_elsewhere(mine: &[EnumValue], theirs: &[EnumValue]) -> Option<(String, String, String)> {
    let key = |l: &str| l.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_lowercase).collect::<String>();
    mine.iter().find_map(|a| {
        let label = key(&a.doc);
        let b = theirs.iter().find(|b| !label.is_empty() && key(&b.doc) == label && b.value != a.value)?;
        Some((a.value.clone(), b.value.clone(), a.doc.trim().to_string()))
    })
}

/// A field taken from another doc, with every line of it moved to `line` of the first doc.
fn at_line(field: &mut FieldNode, line: u32) {
    field.line = line;
    if field.from_example.is_some() {
        field.from_example = Some(line);
    }
    ty_at_line(&mut field.ty, line);
}

fn ty_at_line(ty: &mut Ty, line: u32) {
    match ty {
        Ty::Scalar(_) => {}
        Ty::Array(inner) | Ty::Map(inner) => ty_at_line(inner, line),
        Ty::Object(o) => {
            o.line = line;
            o.fields.iter_mut().for_each(|f| at_line(f, line));
        }
        Ty::Enum(e) => {
            e.line = line;
            e.values.iter_mut().for_each(|v| v.line = line);
        }
    }
}

/// What a reader calls a type's shape: what the two docs must agree on.
fn shape(ty: &Ty) -> String {
    match ty {
        Ty::Scalar(t) => format!("{t:?}").to_lowercase(),
        Ty::Array(inner) => format!("a list of {}", shape(inner)),
        Ty::Map(inner) => format!("a map of {}", shape(inner)),
        Ty::Object(_) => "an object".into(),
        Ty::Enum(e) if e.repr.is_string() => "a string of listed values".into(),
        Ty::Enum(_) => "an integer of listed values".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lower::{LowerInput, MetaSource, lower_api};
    use crate::read::markdown;

    fn draft(file: &str, text: &str) -> ApiDraft {
        let doc = markdown::parse(file, text);
        let meta = MetaSource { path: "bkapi.toml", text: "" };
        let (draft, _) = lower_api(LowerInput { meta_source: meta, ..LowerInput::new(&doc, "get_x") });
        draft.unwrap()
    }

    #[test]
    fn two_languages_make_one_api_with_both_texts_and_their_disagreements() {
        let zh = draft(
            "zh_hans/get_x.md",
            "### 功能描述\n\n查询X\n\n### 请求参数\n\n| 字段 | 类型 | 必选 | 描述 |\n|---|---|---|---|\n\
             | bk_biz_id | int | 是 | 业务ID |\n| mode | int | 否 | 模式: 1-快速 2-完整 |\n| only_zh | string | 否 | 仅中文 |\n",
        );
        let en = draft(
            "en/get_x.md",
            "### Function Description\n\nQuery X\n\n### Request Parameters\n\n| Field | Type | Required | Description |\n\
             |---|---|---|---|\n| bk_biz_id | string | no | Business ID |\n| mode | int | no | mode: 1-fast 2-full |\n\
             | only_en | string | no | English only |\n",
        );
        let mut merged = zh.clone();
        let diags = merge_translation(&mut merged, en);
        assert_eq!(merged.summary, "查询X\n\nQuery X");
        let field = |name: &str| merged.request.fields.iter().find(|f| f.name == name).unwrap();
        assert_eq!(field("bk_biz_id").doc, "业务ID\n\nBusiness ID");
        assert!(field("bk_biz_id").required, "the first doc's shape");
        let adopted = field("only_en");
        assert!(!adopted.required && adopted.line == merged.request.line, "taken in, at the object's line");
        assert_eq!(merged.translations.len(), 1);
        assert_eq!(merged.translations[0].source, "en/get_x.md");
        let subjects: Vec<&str> = diags.iter().filter_map(|d| d.subject.as_deref()).collect();
        assert_eq!(
            subjects,
            [
                "request.bk_biz_id: required",
                "request.bk_biz_id: type",
                "request.only_en: field",
                "request.only_zh: field"
            ]
        );
        let type_diag = diags.iter().find(|d| d.subject.as_deref() == Some("request.bk_biz_id: type")).unwrap();
        assert_eq!((type_diag.file.as_str(), type_diag.line), ("zh_hans/get_x.md", 9));
        assert_eq!(type_diag.related.as_deref(), Some(&("en/get_x.md".to_string(), 9)));
        assert!(diags.iter().all(|d| d.code == Some(TRANSLATION_MISMATCH)));
    }

    #[test]
    fn what_the_second_doc_documents_inside_a_field_the_first_typed_from_its_example_reaches_the_types() {
        // The first doc's row is an untyped `array` its example fills in; the second documents its items.
        let zh = draft(
            "zh_hans/get_x.md",
            "### 功能描述\n\n查询X\n\n### 返回结果示例\n\n```json\n{\"result\": true, \"code\": 0, \"data\": \
             {\"blocks\": [{\"type\": 1}]}}\n```\n\n### 返回结果参数说明\n\n#### data\n\n| 字段 | 类型 | 描述 |\n\
             |---|---|---|\n| blocks | array | 分组 |\n",
        );
        let en = draft(
            "en/get_x.md",
            "### Function Description\n\nQuery X\n\n### Return Result Parameters Description\n\n#### data\n\n\
             | Field | Type | Description |\n|---|---|---|\n| blocks | array | Block info |\n\n#### blocks\n\n\
             | Field | Type | Description |\n|---|---|---|\n| type | int | Block type |\n\
             | block_name | string | Block name |\n",
        );
        let mut merged = zh.clone();
        let diags = merge_translation(&mut merged, en);
        let Ty::Object(data) = &merged.response else { panic!("response is an object: {:?}", merged.response) };
        let blocks = data.fields.iter().find(|f| f.name == "blocks").unwrap();
        let Ty::Array(item) = &blocks.ty else { panic!("blocks is a list: {:?}", blocks.ty) };
        let Ty::Object(item) = item.as_ref() else { panic!("of objects: {item:?}") };
        let names: Vec<&str> = item.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["type", "block_name"]);
        let type_field = &item.fields[0];
        assert_eq!(type_field.doc, "Block type", "the example's key takes the second doc's description");
        let subjects: Vec<&str> = diags.iter().filter_map(|d| d.subject.as_deref()).collect();
        assert_eq!(subjects, ["response.blocks[].block_name: field"], "only the second doc lists it");
    }

    #[test]
    fn an_object_the_second_doc_only_shows_in_its_example_is_no_claim_about_the_fields_it_lacks() {
        let zh = draft(
            "zh_hans/get_x.md",
            "### 功能描述\n\n查询X\n\n### 请求参数\n\n| 字段 | 类型 | 必选 | 描述 |\n|---|---|---|---|\n\
             | data | dict | 是 | 内容 |\n\n#### data\n\n| 字段 | 类型 | 必选 | 描述 |\n|---|---|---|---|\n\
             | heading | string | 是 | 标题 |\n| is_base64 | bool | 否 | 是否编码 |\n",
        );
        // `data` is a `dict` whose table the en doc does not give; its example shows one key.
        let en = draft(
            "en/get_x.md",
            "### Function Description\n\nQuery X\n\n### Request Parameters\n\n| Field | Type | Required | Description |\n\
             |---|---|---|---|\n| data | dict | Yes | Content |\n\n### Request Parameters Example\n\n```json\n\
             {\"data\": {\"heading\": \"hi\"}}\n```\n",
        );
        let mut merged = zh.clone();
        let diags = merge_translation(&mut merged, en);
        let data = merged.request.fields.iter().find(|f| f.name == "data").unwrap();
        let Ty::Object(data) = &data.ty else { panic!("data is an object: {:?}", data.ty) };
        let names: Vec<&str> = data.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["heading", "is_base64"]);
        let subjects: Vec<Option<&str>> = diags.iter().map(|d| d.subject.as_deref()).collect();
        assert_eq!(subjects, Vec::<Option<&str>>::new(), "no field is said to be missing from the en doc");
    }

    #[test]
    fn labels_pair_by_number_only_where_both_languages_number_the_values_alike() {
        let table = |head: &str, desc: &str| {
            format!(
                "### {head}\n\n| Field | Type | Required | Description |\n|---|---|---|---|\n| engine_type | int | Y | {desc} |\n| status | int | Y | {} |\n",
                if head == "请求参数" {
                    "状态: 1.未执行; 2.执行成功"
                } else {
                    "status: 1 - Pending; 2 - Successful; 3 - Abandoned"
                }
            )
        };
        let mut zh =
            draft("zh_hans/get_x.md", &table("请求参数", "引擎类型, 0:非模板文件 1:Golang模板引擎 2:Py Mako引擎"));
        let en = draft("en/get_x.md", &table("Request Parameters", "engine type, 1:not template 2:Golang 3:Py Mako"));
        let diags = merge_translation(&mut zh, en);
        let enum_of = |name: &str| match &zh.request.fields.iter().find(|f| f.name == name).unwrap().ty {
            Ty::Enum(e) => e.clone(),
            other => panic!("{other:?}"),
        };
        // bscp's `engine_type`: 0–2 here, 1–3 there. `1` is Golang here and "not template" there: not paired.
        let engine = enum_of("engine_type");
        assert!(engine.values.iter().all(|v| v.other_labels.is_empty()), "{engine:?}");
        let names = crate::naming::variant_names(&engine.values, engine.repr);
        assert_eq!(names, ["非模板文件", "Golang模板引擎", "PyMako引擎"]);
        let finding = diags.iter().find(|d| d.message.contains("engine_type")).expect("a finding");
        assert!(finding.message.contains("numbered differently"), "{finding}");
        // A value only the English doc lists leaves the others' labels paired: `Successful`, not `执行成功`.
        let status = enum_of("status");
        assert_eq!(crate::naming::variant_names(&status.values, status.repr), ["Pending", "Successful"]);
    }
}
