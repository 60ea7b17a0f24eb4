//! Path placeholders (`/databus/collectors/{collector_config_id}/fast_update/`) are path parameters: the field
//! of that name goes into the path (ESB docs table it with the body's), and a placeholder that no table names
//! becomes a string path parameter, with a warning. Otherwise the client would send the braces. Whether one is
//! required stays what the doc and its examples say (a body example does not show the path): the client refuses
//! to send a call whose path parameter is unset (`Error::Config` naming it).

use super::tree::{FieldNode, ObjectNode, Ty};
use crate::diagnostics::Diagnostic;
use crate::ir::{ParamLocation, Type};

/// The `{name}` placeholders of a path template, in order.
fn placeholders(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter_map(|segment| segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
}

pub(super) fn bind_placeholders(path: &str, request: &mut ObjectNode, file: &str, diags: &mut Vec<Diagnostic>) {
    // A path parameter the route has no placeholder for (nodeman's `get_job_commands` documents `pk` of its
    // backend path `/job/{pk}/…`; the ESB component's path has none): in the path it would be dropped, so it
    // goes where the component reads the rest of the request.
    let named: Vec<&str> = placeholders(path).collect();
    for field in
        request.fields.iter_mut().filter(|f| f.location == ParamLocation::Path && !named.contains(&f.name.as_str()))
    {
        field.location = ParamLocation::Body;
        diags.push(
            Diagnostic::warning(
                file,
                field.line,
                format!(
                    "path parameter `{}` has no placeholder in path `{path}`: sent with the other parameters instead",
                    field.name
                ),
            )
            .with_code(crate::diagnostics::codes::PATH_PARAM_MISMATCH, format!("path: {}", field.name))
            .with_help("fix the path or the parameter names, or override `path` in bkapi.toml"),
        );
    }
    for name in placeholders(path) {
        if let Some(field) = request.fields.iter_mut().find(|f| f.name == name) {
            field.location = ParamLocation::Path;
            continue;
        }
        diags.push(
            Diagnostic::warning(
                file,
                request.line,
                format!("the path's placeholder `{{{name}}}` names no request field: taken as a string path parameter"),
            )
            .with_help("document it in the request table (or a path parameter section)"),
        );
        let field = FieldNode::inferred(name, Ty::Scalar(Type::String), request.line);
        request.fields.push(FieldNode {
            location: ParamLocation::Path,
            doc: "Path parameter (the doc's path names it; no table does): calls need it.".into(),
            ..field
        });
    }
}
