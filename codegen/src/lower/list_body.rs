//! Requests whose body is a JSON list: IAM's `system_add_actions` takes `[{"id": …}, …]`, and its table describes
//! one item. The request type keeps its path and query parameters, and holds the list in one field that the
//! runtime sends as the whole body ([`crate::ir::Api::list_body`]).

use serde_json::{Map, Value};

use super::tree::{FieldNode, ObjectNode, Ty};
use crate::ir::{Example, ExampleKind, ParamLocation};

/// The field that holds the list, unless the request has a parameter of that name.
const LIST_FIELD: &str = "items";

/// When the doc's request examples are lists of objects (and none is an object), moves the request's body
/// fields into the item type of a list field, and reads each request example as that field's value. Returns the
/// field's name.
pub(super) fn as_list_body(request: &mut ObjectNode, examples: &mut [Example]) -> Option<String> {
    let requests = || examples.iter().filter(|e| e.kind == ExampleKind::Request).filter_map(|e| e.value.as_ref());
    let is_list_of_objects = |v: &Value| v.as_array().is_some_and(|items| items.iter().all(Value::is_object));
    let any_list = requests().any(|v| v.as_array().is_some_and(|items| !items.is_empty()));
    if !any_list || !requests().all(is_list_of_objects) {
        return None;
    }
    let field = [LIST_FIELD, "body_items"].into_iter().find(|n| request.fields.iter().all(|f| f.name != *n))?;
    let (body, rest): (Vec<FieldNode>, Vec<FieldNode>) =
        std::mem::take(&mut request.fields).into_iter().partition(|f| f.location == ParamLocation::Body);
    let item = ObjectNode {
        name: format!("{}Item", request.name),
        doc: String::new(),
        line: request.line,
        fields: body,
        placed_by_keys: None,
    };
    let mut list = FieldNode::inferred(field, Ty::Array(Box::new(Ty::Object(item))), request.line);
    list.required = true;
    list.inferred = false;
    list.doc = "The request body: a JSON list of these items.".to_string();
    request.fields = rest;
    request.fields.push(list);
    for e in examples.iter_mut().filter(|e| e.kind == ExampleKind::Request) {
        if let Some(value) = e.value.take() {
            e.value = Some(Value::Object(Map::from_iter([(field.to_string(), value)])));
            e.repairs.push(format!("the body is a list: read as the request's `{field}`"));
        }
    }
    Some(field.to_string())
}
