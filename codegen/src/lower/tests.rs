//! Unit tests of lowering: inline docs through [`lower_api`], and the passes' parsers on their own.

use super::find_examples::match_template;
use super::heading_names::definition_names;
use super::nested::find_reference;
use super::sections::{SectionKind, classify};
use super::tables::{documented_values, is_deprecated};
use super::*;
use crate::ir::{EnumRepr, ExampleKind, HttpMethod, Type};

/// Lowers an inline doc as API `t` located at `POST /t/`; returns the draft and the diagnostics' texts.
fn lower_text(text: &str) -> (ApiDraft, Vec<String>) {
    let doc = crate::read::markdown::parse("t.md", text);
    let meta = MetaSource { path: "bkapi.toml", text: "" };
    let at = Route {
        method: Some(HttpMethod::Post),
        path: "/t/".into(),
        origin: "test".into(),
        name: "t".into(),
        matched: crate::read::locate::Match::Exact,
    };
    let around = Surroundings { beside: Some(&at), ..Surroundings::default() };
    let (draft, diags) = lower_api(LowerInput { meta_source: meta, around, ..LowerInput::new(&doc, "t") });
    let diags = diags.iter().map(ToString::to_string).collect();
    (draft.expect("an API"), diags)
}

fn field<'a>(object: &'a ObjectNode, name: &str) -> &'a FieldNode {
    object.fields.iter().find(|f| f.name == name).unwrap_or_else(|| panic!("no field {name} in {object:?}"))
}

fn response_object(d: &ApiDraft) -> &ObjectNode {
    match &d.response {
        Ty::Object(o) => o,
        other => panic!("response is not an object: {other:?}"),
    }
}

#[test]
fn header_variants_and_required_values() {
    let (d, _) = lower_text(
        "### 请求参数\n\n| 名称 | 参数类型 | 是否必选 | 默认值 | 说明 |\n|---|---|---|---|---|\n| a | int | Y | 1 | x |\n| b | string | no | - | y |\n| c | bool | true | | z |\n\n\
         ### Request Parameters\n\n| Field | Type | Mandatory | Description |\n|---|---|---|---|\n| d | long | yes | w |\n| e | str | N | v |\n",
    );
    let r = &d.request;
    assert!(field(r, "a").required && !field(r, "b").required && field(r, "c").required);
    assert!(field(r, "d").required && !field(r, "e").required);
    assert_eq!(field(r, "a").ty, Ty::Scalar(Type::Integer));
    assert_eq!(field(r, "a").doc, "x (default: 1)");
    assert_eq!(field(r, "e").ty, Ty::Scalar(Type::String));
}

#[test]
fn unknown_types_missing_and_extra_cells() {
    let (d, diags) = lower_text(
        "### 请求参数\n\n| 字段 | 类型 | 必选 | 描述 |\n|---|---|---|---|\n| a | 分发模式 | 否 | x |\n| b | int |\n| c | string | 是 | y | extra |\n",
    );
    assert_eq!(field(&d.request, "a").ty, Ty::Scalar(Type::Json));
    assert!(diags.iter().any(|m| m.contains("t.md:5: warning: unknown type `分发模式` of `a`")), "{diags:?}");
    assert_eq!(field(&d.request, "b").ty, Ty::Scalar(Type::Integer));
    assert!(!field(&d.request, "b").required);
    assert!(field(&d.request, "c").required);
}

#[test]
fn escaped_and_full_width_pipes_in_cells() {
    let (d, _) = lower_text(
        "### 请求参数\n\n| 字段 | 类型 | 必选 | 描述 |\n|---|---|---|---|\n| a | string | 是 | x \\| y |\n| b | string | 否 | 1｜2 ｜\n",
    );
    assert_eq!(field(&d.request, "a").doc, "x | y");
    assert_eq!(field(&d.request, "b").doc, "1｜2");
}

#[test]
fn nested_sections_by_name_path_reference_and_parentheses() {
    let (d, _) = lower_text(
        "### 请求参数\n\n| 字段 | 类型 | 必选 | 描述 |\n|---|---|---|---|\n\
         | server | object | 是 | 目标 |\n| repeat | dict | 否 | 重复 |\n| rules | list | 否 | 规则列表(Rule) |\n| hosts | array | 否 | 见 host 定义 |\n\n\
         ###### server\n\n| 字段 | 类型 | 必选 | 描述 |\n|---|---|---|---|\n| ip | string | 是 | x |\n\n\
         #### 重复配置（repeat）\n\n| 字段 | 类型 | 必选 | 描述 |\n|---|---|---|---|\n| freq | string | 是 | x |\n\n\
         #### Rule\n\n| 字段 | 类型 | 必选 | 描述 |\n|---|---|---|---|\n| id | int | 是 | x |\n\n\
         #### host\n\n| 字段 | 类型 | 必选 | 描述 |\n|---|---|---|---|\n| port | int | 是 | x |\n\n\
         ### 返回结果\n\n| 字段 | 类型 | 描述 |\n|---|---|---|\n| result | bool | x |\n| data | object | x |\n\n\
         #### data.items\n\n| 字段 | 类型 | 描述 |\n|---|---|---|\n| name | string | x |\n",
    );
    let object_fields = |ty: &Ty| match ty {
        Ty::Object(o) => o.fields.iter().map(|f| f.name.clone()).collect::<Vec<_>>(),
        Ty::Array(inner) => match inner.as_ref() {
            Ty::Object(o) => o.fields.iter().map(|f| f.name.clone()).collect(),
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    };
    assert_eq!(object_fields(&field(&d.request, "server").ty), ["ip"]);
    assert_eq!(object_fields(&field(&d.request, "repeat").ty), ["freq"]);
    assert_eq!(object_fields(&field(&d.request, "rules").ty), ["id"]);
    assert_eq!(object_fields(&field(&d.request, "hosts").ty), ["port"]);
    assert_eq!(object_fields(&field(response_object(&d), "items").ty), ["name"]);
}

#[test]
fn one_section_name_twice_is_looked_up_after_its_row() {
    let (d, _) = lower_text(
        "### 请求参数\n\n| 字段 | 类型 | 必选 | 描述 |\n|---|---|---|---|\n| data | object | 是 | x |\n\n\
         #### data\n\n| 字段 | 类型 | 必选 | 描述 |\n|---|---|---|---|\n| input | string | 是 | x |\n\n\
         ### 返回结果\n\n| 字段 | 类型 | 描述 |\n|---|---|---|\n| result | bool | x |\n| data | object | x |\n\n\
         #### data\n\n| 字段 | 类型 | 描述 |\n|---|---|---|\n| output | int | x |\n",
    );
    assert!(matches!(&field(&d.request, "data").ty, Ty::Object(o) if o.fields[0].name == "input"));
    assert_eq!(response_object(&d).fields[0].name, "output");
}

#[test]
fn english_doc_with_dotted_rows_and_a_response_example_under_its_section() {
    let (d, _) = lower_text(
        "### Request Parameters\n\n| Field | Type | Required | Description |\n|---|---|---|---|\n\
         | config | dict | YES | x |\n| config.port | int | YES | y |\n\n\
         ### Return Result Description\n\n| Field | Type | Description |\n|---|---|---|\n| result | bool | x |\n| data | list | x |\n\n\
         #### Example\n\n```json\n{\"result\": true, \"data\": [1, 2]}\n```\n",
    );
    let Ty::Object(config) = &field(&d.request, "config").ty else { panic!("config is not an object") };
    assert_eq!(field(config, "port").ty, Ty::Scalar(Type::Integer));
    assert_eq!(d.examples.len(), 1);
    assert_eq!(d.examples[0].kind, ExampleKind::Response);
    // The example also tells the element type of an untyped list.
    assert_eq!(d.response, Ty::Array(Box::new(Ty::Scalar(Type::Integer))));
}

#[test]
fn query_string_examples_are_typed_by_the_table() {
    let (d, _) = lower_text(
        "### 请求参数\n\n| 字段 | 类型 | 必选 | 描述 |\n|---|---|---|---|\n| id | long | 是 | x |\n| ok | bool | 否 | y |\n| name | string | 否 | z |\n| tag | list | 否 | w |\n\n\
         ### 请求参数示例\n\n```json\n/api/v3/get_x?id=100&ok=true&name=a%20b&tag=x&tag=y&tag=z&name=c&name=d\n```\n",
    );
    let e = &d.examples[0];
    let expected = serde_json::json!({"id": 100, "ok": true, "name": ["a b", "c", "d"], "tag": ["x", "y", "z"]});
    assert_eq!(e.value, Some(expected), "a repeated key becomes a list, whatever the table says");
    assert!(e.repairs[0].contains("query string"));
}

#[test]
fn numeric_value_lists_in_descriptions_make_integer_enums() {
    let (d, _) = lower_text(
        "### 请求参数\n\n| 字段 | 类型 | 必选 | 描述 |\n|---|---|---|---|\n\
         | script_language | int | 否 | 脚本语言：1 - shell, 2 - bat |\n| os | string | 否 | 1：LINUX 2：WINDOWS |\n",
    );
    let Ty::Enum(e) = &field(&d.request, "script_language").ty else { panic!("not an enum") };
    assert_eq!((e.name.as_str(), e.repr), ("ScriptLanguage", EnumRepr::Integer));
    let values: Vec<(&str, &str)> = e.values.iter().map(|v| (v.value.as_str(), v.doc.as_str())).collect();
    assert_eq!(values, [("1", "shell"), ("2", "bat")]);
    let (d2, _) = lower_text(
        "### 请求参数\n\n| 字段 | 类型 | 必选 | 描述 |\n|---|---|---|---|\n\
         | bk_scope_type | string | 是 | 资源范围类型。可选值: biz - 业务，biz_set - 业务集 |\n\
         | mode | int | 否 | 1-执行失败则暂停；2-忽略失败 |\n| timeout | int | 否 | 取值范围1-86400 |\n",
    );
    let Ty::Enum(scope) = &field(&d2.request, "bk_scope_type").ty else { panic!("not an enum") };
    let values: Vec<&str> = scope.values.iter().map(|v| v.value.as_str()).collect();
    assert_eq!((values, scope.repr), (vec!["biz", "biz_set"], EnumRepr::String));
    assert!(matches!(&field(&d2.request, "mode").ty, Ty::Enum(e) if e.values.len() == 2));
    assert_eq!(field(&d2.request, "timeout").ty, Ty::Scalar(Type::Integer), "a range is no value list");
    // A string field with numeric codes keeps its type: the codes may be labels of names the API takes
    // (nodeman's `os_type`).
    assert_eq!(field(&d.request, "os").ty, Ty::Scalar(Type::String));
    assert_eq!(field(&d.request, "os").documented_values.len(), 2, "still checked against examples");
}

#[test]
fn one_of_pairs_stated_in_descriptions_are_found() {
    let (d, _) = lower_text(
        "### 请求参数\n\n| 字段 | 类型 | 必选 | 描述 |\n|---|---|---|---|\n\
         | account_alias | string | 否 | 执行帐号别名。与 account_id 必须存在一个。 |\n\
         | account_id | long | 否 | 执行账号 ID。与account_alias必须存在一个。 |\n\
         | a | string | 否 | 和 nothing 二选一 |\n",
    );
    assert_eq!(d.one_of, [vec!["account_alias".to_string(), "account_id".to_string()]]);
}

#[test]
fn deprecated_required_fields_become_optional_with_a_warning() {
    let (d, diags) = lower_text(
        "### 请求参数\n\n| 字段 | 类型 | 必选 | 描述 |\n|---|---|---|---|\n| bk_biz_id | long | 是 | *已弃用*。业务ID |\n",
    );
    assert!(!field(&d.request, "bk_biz_id").required);
    assert!(field(&d.request, "bk_biz_id").deprecated, "generated with #[deprecated]");
    for retired in ["请使用 target_server.iplist替代。静态IP列表", "Use `account_id` instead.", "不推荐使用"]
    {
        assert!(is_deprecated(retired), "{retired}");
    }
    assert!(!is_deprecated("当使用 script_content 传入自定义脚本的时候"), "mentioning 使用 is not retiring");
    assert!(diags.iter().any(|m| m.contains("marked required but described as deprecated")), "{diags:?}");
}

#[test]
fn examples_settle_shapes_and_unreadable_scalars_but_not_placeholders_or_lenient_readings() {
    let (d, _) = lower_text(
        "### 请求参数\n\n| 字段 | 类型 | 必选 | 描述 |\n|---|---|---|---|\n| id | int | 是 | x |\n| n | int | 是 | x |\n\
         | p | int | 是 | x |\n\n\
         ### 请求参数示例\n\n```json\n{\"id\": \"abc\", \"n\": \"2\", \"p\": \"xxx\"}\n```\n\n\
         ### 返回结果\n\n| 字段 | 类型 | 描述 |\n|---|---|---|\n| result | bool | x |\n| data | object | x |\n\n\
         #### data\n\n| 字段 | 类型 | 描述 |\n|---|---|---|\n| name | long | x |\n\n\
         ### 返回结果示例\n\n```json\n{\"result\": true, \"data\": [{\"name\": \"job 1\"}]}\n```\n",
    );
    // `"abc"` cannot be an int: the example decides. `"2"` reads as one, and `"xxx"` stands for a value.
    assert_eq!(field(&d.request, "id").ty, Ty::Scalar(Type::String));
    assert_eq!(field(&d.request, "n").ty, Ty::Scalar(Type::Integer));
    assert_eq!(field(&d.request, "p").ty, Ty::Scalar(Type::Integer));
    let Ty::Array(item) = &d.response else { panic!("data should be a list: {:?}", d.response) };
    let Ty::Object(item) = item.as_ref() else { panic!("{item:?}") };
    assert_eq!(field(item, "name").ty, Ty::Scalar(Type::String));
    let settled: Vec<_> =
        d.corrections.iter().map(|c| (c.target.as_str(), c.corrected.as_str(), c.by_example)).collect();
    assert_eq!(
        settled,
        [
            ("request.id", "string", Some(12)),
            ("response", "array of objects", Some(31)),
            ("response.name", "string", Some(31))
        ]
    );
}

#[test]
fn stray_json_is_an_example_only_when_the_doc_has_none() {
    let doc = "### 请求参数\n\n| 字段 | 类型 | 必选 | 描述 |\n|---|---|---|---|\n| target | object | 是 | x |\n\n\
               #### target\n\n| 字段 | 类型 | 必选 | 描述 |\n|---|---|---|---|\n| ip | string | 是 | x |\n\n```json\n{\"ip\": \"1.1.1.1\"}\n```\n";
    let (d, diags) = lower_text(doc);
    assert_eq!(d.examples.len(), 1, "the only JSON is taken, with a warning");
    assert!(diags.iter().any(|m| m.contains("example outside an example section")));
    let (d, _) = lower_text(&format!("{doc}\n### 请求参数示例\n\n```json\n{{\"target\": {{\"ip\": \"x\"}}}}\n```\n"));
    assert_eq!(d.examples.len(), 1);
    assert_eq!(d.examples[0].line, 20, "the example section's, not the stray one at line 14");
}

#[test]
fn a_table_of_data_alone_describes_the_envelope() {
    let (d, _) =
        lower_text("### 返回结果\n\n#### 字段说明\n\n| 字段 | 类型 | 描述 |\n|---|---|---|\n| data | list | x |\n");
    assert_eq!(d.response, Ty::Array(Box::new(Ty::Scalar(Type::Json))));
    assert!(d.envelope.is_empty());
}

#[test]
fn esb_paths_relative_to_the_component_root_get_the_esb_prefix() {
    let (d, _) = lower_text(&format!(
        "### 请求地址\n\n/v2/monitor/models/x/add/\n\n### 请求方法\n\nGET\n\n{}",
        "### 请求参数\n\n| 字段 | 类型 | 必选 | 描述 |\n|---|---|---|---|\n| id | int | 是 | x |\n"
    ));
    assert_eq!(d.route, Some((HttpMethod::Get, "/api/c/compapi/v2/monitor/models/x/add/".into())));
}

#[test]
fn no_table_and_no_example_is_not_an_api_doc() {
    let doc = crate::read::markdown::parse("common.md", "# 通用说明\n\n一些文字。\n");
    let meta = MetaSource { path: "bkapi.toml", text: "" };
    let (draft, diags) = lower_api(LowerInput { meta_source: meta, ..LowerInput::new(&doc, "common") });
    assert!(draft.is_none());
    assert!(diags[0].to_string().starts_with("common.md:1: error: no parameter table and no example"));
}

#[test]
fn classifies_section_titles() {
    assert_eq!(classify("请求参数示例"), SectionKind::RequestExample);
    assert_eq!(classify("返回结果示例"), SectionKind::ResponseExample);
    assert_eq!(classify("返回结果参数说明"), SectionKind::ResponseParams);
    assert_eq!(classify("Path 参数"), SectionKind::PathParams);
    assert_eq!(classify("Header参数"), SectionKind::Header);
    assert_eq!(classify("接口参数"), SectionKind::BodyParams);
    assert_eq!(classify("data.success & data.failed"), SectionKind::Definition);
    assert_eq!(classify("通用参数"), SectionKind::CommonArgs);
}

#[test]
fn finds_references_in_descriptions() {
    assert_eq!(find_reference("目标服务器，见 server 定义").as_deref(), Some("server"));
    assert_eq!(find_reference("静态 IP 列表，定义见 ip").as_deref(), Some("ip"));
    assert_eq!(find_reference("主机列表，见hosts定义").as_deref(), Some("hosts"));
    assert_eq!(find_reference("源文件对象数组，见下面file_source定义").as_deref(), Some("file_source"));
    assert_eq!(find_reference("Static IP list, see ip definition").as_deref(), Some("ip"));
    assert_eq!(find_reference("业务 ID"), None);
}

#[test]
fn extracts_value_lists_from_descriptions() {
    let v = documented_values("操作系统，1：LINUX 2：WINDOWS 3：AIX 4：SOLARIS");
    assert_eq!(
        v.iter().map(|v| (v.code.as_str(), v.label.as_str())).collect::<Vec<_>>(),
        [("1", "LINUX"), ("2", "WINDOWS"), ("3", "AIX"), ("4", "SOLARIS")]
    );
    let v = documented_values("脚本语言：1 - shell, 2 - bat, 3 - perl");
    assert_eq!(v.len(), 3);
    assert_eq!(v[1].label, "bat");
    assert_eq!(documented_values("敏感参数, 0:不是（默认），1:是").len(), 2);
    assert!(documented_values("默认 7200，取值范围 1-86400").is_empty());
    let pairs =
        |d: &str| documented_values(d).into_iter().map(|v| (v.code, v.label)).collect::<Vec<(String, String)>>();
    let pair = |c: &str, l: &str| (c.to_string(), l.to_string());
    // Labels are whole: several words, up to the next code or separator (was the first word: `not`).
    assert_eq!(
        pairs("engine type, 1:not template 2:Golang 3:Py Mako 4:external"),
        [pair("1", "not template"), pair("2", "Golang"), pair("3", "Py Mako"), pair("4", "external")]
    );
    // `N.label;` and `N、label` lists (JOB's status fields), a remark in parentheses left out.
    assert_eq!(
        pairs("作业状态码: 1.未执行; 2.正在执行; 3.执行成功; 4.执行失败（可重试）;"),
        [pair("1", "未执行"), pair("2", "正在执行"), pair("3", "执行成功"), pair("4", "执行失败")]
    );
    assert_eq!(pairs("1、上传 2、下载"), [pair("1", "上传"), pair("2", "下载")]);
    assert_eq!(
        pairs("脚本类型：1(shell脚本)、2(bat脚本)、3（perl脚本）"),
        [pair("1", "shell脚本"), pair("2", "bat脚本"), pair("3", "perl脚本")]
    );
    assert!(documented_values("超时时间 10(秒)").is_empty());
    // An English translation's `N for label` (CMDB's `max_surge.type`).
    assert_eq!(pairs("Type (0 for int, 1 for string)"), [pair("0", "int"), pair("1", "string")]);
    assert!(documented_values("Retry 3 for each host").is_empty());
    assert_eq!(
        pairs("agent online status, 0 for offline and 1 for online"),
        [pair("0", "offline"), pair("1", "online")]
    );
    assert_eq!(pairs("agent在线状态，0为不在线，1为在线"), [pair("0", "不在线"), pair("1", "在线")]);
    assert_eq!(pairs("进程托管类型。0为周期执行进程，1为常驻进程"), [pair("0", "周期执行进程"), pair("1", "常驻进程")]);
    assert_eq!(
        pairs("0 for circularly run process, 1 for permanent process and 2 for once-run process"),
        [pair("0", "circularly run process"), pair("1", "permanent process"), pair("2", "once-run process")]
    );
    // A version or an address is no list.
    assert!(documented_values("版本 1.0 或 2.0").is_empty());
    assert!(documented_values("IP 10.0.0.1, 10.0.0.2").is_empty());
}

#[test]
fn matches_path_templates() {
    assert_eq!(
        match_template("/open/{a}/x/{b}", "/open/biz/x/1"),
        Some(vec![("a".into(), "biz".into()), ("b".into(), "1".into())])
    );
    assert_eq!(match_template("/open/{a}", "/close/biz"), None);
}

#[test]
fn definition_headings_name_their_field_or_path_without_decorations() {
    let names = |t: &str| definition_names(t).collect::<Vec<_>>();
    assert_eq!(names("data字段说明"), ["data"]);
    assert_eq!(names("data field description"), ["data"]);
    assert_eq!(names("data.info[n]"), ["data.info"]);
    assert_eq!(names("pods[x]"), ["pods"]);
    assert_eq!(names("data.aggs字段说明（over_view结构与之类似）"), ["data.aggs"]);
    assert_eq!(names("1.1 配置列表--conf_list"), ["conf_list"]);
    assert_eq!(
        names("1.1.1.1 详细配置(TCP)--data.conf_list.collector_conf.config(TCP、UDP)"),
        ["data.conf_list.collector_conf.config", "tcp"]
    );
    assert_eq!(names("重复事项配置信息（repeat）"), ["repeat"]);
    assert_eq!(names("data.success & data.failed"), ["data.success", "data.failed"]);
    // Several identifiers among other words, or none: no name.
    assert!(names("参数: default_storage_config及storage_config -- 在influxdb下支持的参数").is_empty());
    assert!(names("正常响应体").is_empty());
}

#[test]
fn english_and_structural_headings_take_request_and_response_roles() {
    assert_eq!(classify("Interface Parameters"), SectionKind::BodyParams);
    assert_eq!(classify("Return result parameters description"), SectionKind::ResponseParams);
    assert_eq!(classify("Response Description"), SectionKind::ResponseParams);
    assert_eq!(classify("Functional description"), SectionKind::Summary);
    assert_eq!(classify("server"), SectionKind::Definition);
    // `#### 业务参数` under a `### 请求参数` without a table of its own holds the request's table.
    let (d, _) = lower_text(
        "### 请求参数\n\n#### 业务参数\n\n| 字段 | 类型 | 必选 | 描述 |\n|---|---|---|---|\n| id | int | 是 | x |\n",
    );
    assert_eq!(field(&d.request, "id").ty, Ty::Scalar(Type::Integer));
}

#[test]
fn an_empty_segment_in_the_doc_s_path_is_a_slip_not_a_route() {
    // gsekit's `process_status` doc gives `//v2/gsekit/…`: no server routes that; its manifest says `/v2/gsekit/…`.
    let (d, diags) = lower_text(
        "### 请求地址\n\n//v2/gsekit/api/process/process_status/\n\n### 请求方式\n\nPOST\n\n### 请求参数\n\n| 字段 | 类型 | 必选 | 描述 |\n|---|---|---|---|\n| a | int | 是 | x |\n",
    );
    let (_, path) = d.route.expect("a route");
    assert_eq!(path, "/api/c/compapi/v2/gsekit/api/process/process_status/");
    assert!(
        diags.iter().any(|m| m.contains(
            "t.md:3: warning: the doc's path `//v2/gsekit/api/process/process_status/` has an empty segment"
        )),
        "{diags:?}"
    );
}

#[test]
fn an_unstated_type_that_the_examples_send_as_scalar_and_list_is_any_json() {
    // CMDB's filter rule: `value | - | … | 不同的operator对应不同的value格式`; `equal` sends a string, `in` a list.
    let doc = "### 请求参数\n\n| 字段 | 类型 | 必选 | 描述 |\n|---|---|---|---|\n| filter | object | 否 | 过滤 |\n| op | string | 否 | 操作 |\n\n\
               #### filter\n\n| 字段 | 类型 | 必选 | 描述 |\n|---|---|---|---|\n| value | - | 否 | 不同的operator对应不同的value格式 |\n| name | - | 否 | 名称 |\n\n\
               ### 请求参数示例\n\n```json\n{\"filter\": {\"value\": \"127.0.0.1\", \"name\": \"a\", \"rules\": [{\"value\": [1, 2], \"name\": \"b\"}]}}\n```\n";
    let (d, _) = lower_text(doc);
    let Ty::Object(filter) = &field(&d.request, "filter").ty else { panic!("{:?}", d.request) };
    assert_eq!(field(filter, "value").ty, Ty::Scalar(Type::Json), "a string here, a list there: the doc's `-`");
    assert_eq!(field(filter, "name").ty, Ty::Scalar(Type::String), "one shape everywhere: typed from the example");
}

#[test]
fn a_value_list_the_example_sends_as_a_list_becomes_a_list_only_of_listed_values() {
    let doc = |example: &str| {
        format!(
            "### 请求参数\n\n| 字段 | 类型 | 必选 | 描述 |\n|---|---|---|---|\n| status | int | 否 | 定时作业状态：1.已启动、2.已暂停 |\n\n\
             ### 请求参数示例\n\n```json\n{example}\n```\n"
        )
    };
    // job_v3's `get_cron_list` example repeats the key: `status=1&status=admin` (a copy slip): the list stands.
    let (slip, _) = lower_text(&doc(r#"{"status": ["1", "admin"]}"#));
    assert!(matches!(field(&slip.request, "status").ty, Ty::Enum(_)), "{:?}", field(&slip.request, "status").ty);
    let (list, _) = lower_text(&doc(r#"{"status": [1, 2]}"#));
    assert!(matches!(&field(&list.request, "status").ty, Ty::Array(inner) if matches!(**inner, Ty::Enum(_))));
}
