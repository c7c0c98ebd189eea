//! The pre-filled printable forms of the application pack (application-
//! materials-sample.md): 接入信息表, 网络地址备案表, 授权委托书, 服务协议书 —
//! A4, to print, sign and stamp. Rendered from the unit's current application.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;

use crate::access::api::{access_overview, AccessForm, AccessSummary, UnitInfo};
use crate::access::rules::{qualification_items, QUALIFICATION_ITEMS};
use crate::kernel::AccessType;
use crate::components::shell::TaxpayerOnly;

/// The standard text of the 服务协议书, served as a static file (public/forms)
/// so it does not weigh on the wasm bundle.
#[cfg_attr(not(feature = "csr"), allow(dead_code))]
const AGREEMENT_URL: &str = "/forms/agreement.txt";

async fn agreement_text() -> Option<String> {
    #[cfg(feature = "csr")]
    {
        let res = gloo_net::http::Request::get(AGREEMENT_URL).send().await.ok()?;
        if res.ok() { res.text().await.ok() } else { None }
    }
    #[cfg(not(feature = "csr"))]
    {
        None
    }
}

/// (path segment, title) of the printable forms.
pub const FORMS: [(&str, &str); 4] = [
    ("info", "乐企直连服务接入信息表"),
    ("network", "乐企服务网络地址备案表"),
    ("authorization", "乐企直连服务授权委托书"),
    ("agreement", "乐企直连服务协议书"),
];

fn blank(s: &str) -> String {
    if s.trim().is_empty() { "　".into() } else { s.to_string() }
}

fn ips(s: &str) -> String {
    s.split([',', '，', ';', '；', ' ', '\n']).filter(|p| !p.trim().is_empty()).collect::<Vec<_>>().join("、")
}

#[component]
pub fn PrintPage() -> impl IntoView {
    let params = use_params_map();
    let data: RwSignal<Option<Result<AccessSummary, String>>> = RwSignal::new(None);
    spawn_local(async move { data.set(Some(access_overview().await.map_err(|e| e.to_string()))) });
    let print = move |_: leptos::ev::MouseEvent| {
        #[cfg(feature = "csr")]
        if let Some(w) = web_sys::window() {
            let _ = w.print();
        }
    };
    view! {
        <TaxpayerOnly>
            <div class="print-toolbar">
                <a href="/leqi/access/apply">"返回接入申请"</a>
                <button class="primary" on:click=print>"打印"</button>
            </div>
            {move || {
                let kind = params.get().get("kind").unwrap_or_default();
                match data.get() {
                    None => view! { <p class="loading">"正在加载…"</p> }.into_any(),
                    Some(Err(e)) => view! { <p class="form-error">{e}</p> }.into_any(),
                    Some(Ok(s)) => match s.current {
                        None => view! { <p class="form-error">"尚无接入申请，请先在【接入申请】中填写"</p> }.into_any(),
                        Some(app) => {
                            let (u, f) = (s.unit, app.form);
                            match kind.as_str() {
                                "info" => view! { <InfoTable u f /> }.into_any(),
                                "network" => view! { <NetworkTable u f /> }.into_any(),
                                "authorization" => view! { <Authorization u f /> }.into_any(),
                                "agreement" => view! { <Agreement u /> }.into_any(),
                                _ => view! { <p class="form-error">"未找到该表单"</p> }.into_any(),
                            }
                        }
                    },
                }
            }}
        </TaxpayerOnly>
    }
}

#[component]
fn InfoTable(u: UnitInfo, f: AccessForm) -> impl IntoView {
    let t = f.access_type.unwrap_or(AccessType::Joint);
    let shown: Vec<u8> = qualification_items(t).into_iter().map(|i| i.no).collect();
    let authorized = t.fills_authorized_unit() && f.built_by_authorized;
    view! {
        <article class="sheet" data-form="info">
            <h1>"乐企直连服务接入信息表"</h1>
            <p class="sheet-line">"申请接入方式："
                {AccessType::ALL.into_iter().map(|a| format!("{}{}　", if a == t { "☑" } else { "☐" }, a.label())).collect::<String>()}
            </p>
            <table class="sheet-table">
                <tr><th rowspan="3">"单位信息"</th><th>"直连单位统一社会信用代码"</th><td>{u.credit_code.clone()}</td><th>"直连单位名称"</th><td>{u.enterprise_name.clone()}</td></tr>
                <tr><th>"被授权单位统一社会信用代码"</th><td>{if authorized { blank(&f.builder_code) } else { "—".into() }}</td><th>"被授权单位名称"</th><td>{if authorized { blank(&f.builder_name) } else { "—".into() }}</td></tr>
                <tr><th>"接入引擎自有信息系统名称"</th><td>{blank(&f.system_name)}</td><th>"联系人 / 联系电话"</th><td>{format!("{} / {}", f.contact, f.phone)}</td></tr>
            </table>
            <table class="sheet-table">
                <tr><th colspan="2">"相关资质信息"</th></tr>
                {(1u8..=12).map(|no| {
                    let value = if shown.contains(&no) { blank(f.qualifications.get(&no).map(String::as_str).unwrap_or("")) } else { "（本接入方式无需填写）".into() };
                    view! { <tr class="q"><th>{format!("{}. {}", no, QUALIFICATION_ITEMS[no as usize - 1])}</th><td>{value}</td></tr> }
                }).collect_view()}
            </table>
            <table class="sheet-table">
                <tr><th>"请求类型"</th><td>"☑接入　☐变更　☐终止"</td><th>"请求期限"</th><td>{if f.period == "short" { "☑短期（一年及以内）　☐长期（一年以上）" } else { "☐短期（一年及以内）　☑长期（一年以上）" }}</td></tr>
            </table>
            <p class="sheet-note">"本单位对填写的上述内容及提交的相关材料的真实性负责。如有不实，本单位自愿承担法律责任。"</p>
            <p class="sign">"直连单位法定代表人（签字）："{u.legal_representative.clone()}"　　（直连单位盖章）　　年　　月　　日"</p>
            <table class="sheet-table opinions">
                <tr><th>"主管税务科、所（分局）意见"</th><td>"负责人（签字）：　　　（盖章）　年　月　日"</td></tr>
                <tr><th>"主管税务机关意见"</th><td>"负责人（签字）：　　　（盖章）　年　月　日"</td></tr>
                <tr><th>"省级主管部门意见"</th><td>"负责人（签字）：　　　（盖章）　年　月　日"</td></tr>
            </table>
            <p class="sheet-note small">"填表说明：1.单位信息中，乐企他用以及乐企联用申请接入企业无需填写被授权单位相关信息。2.相关资质中，乐企自用申请接入企业无需填写第7、8、9、10、11项内容，乐企他用申请接入企业无需填写第1、3、4项内容，乐企联用申请接入企业填写第1项内容时仅需填写使用自用服务的单位数。"</p>
        </article>
    }
}

#[component]
fn NetworkTable(u: UnitInfo, f: AccessForm) -> impl IntoView {
    view! {
        <article class="sheet" data-form="network">
            <h1>"乐企服务网络地址备案表"</h1>
            <table class="sheet-table">
                <tr><th>"单位名称及统一身份代码"</th><td colspan="3">{format!("{}　{}", u.enterprise_name, u.credit_code)}</td></tr>
                <tr><th>"联系人"</th><td>{blank(&f.contact)}</td><th>"联系电话"</th><td>{blank(&f.phone)}</td></tr>
                <tr><th>"电子邮箱"</th><td colspan="3">{blank(&f.email)}</td></tr>
                <tr><th>"企业应用系统名称"</th><td>{blank(&f.system_name)}</td><th>"提交日期"</th><td>"　　年　　月　　日"</td></tr>
                <tr><th>"备案原因"</th><td colspan="3">{format!("本单位参与国家税务总局数电票试点工作，信息系统{}需通过乐企直连服务访问总局税企直连服务端网络，特此备案。", f.system_name)}</td></tr>
                <tr><th>"备案类型"</th><td colspan="3">"☑开通　☐变更　☐关闭"</td></tr>
                <tr><th>"使用有效期"</th><td colspan="3">{if f.period == "short" { "☐长期　☑临时　　年　月　日至　　年　月　日" } else { "☑长期　☐临时" }}</td></tr>
                <tr><th>"企业端IP地址"</th><td colspan="3" class="ips">{format!("测试环境IP地址：{}", ips(&f.test_ips))}<br/>{format!("生产环境IP地址：{}", ips(&f.production_ips))}</td></tr>
                <tr><th>"服务协议及端口号"</th><td colspan="3">{format!("服务协议：{}　端口号：{}", f.protocol.to_lowercase(), f.port)}</td></tr>
                <tr><th>"本单位审批意见"</th><td colspan="3">"（加盖公章）"</td></tr>
                <tr><th>"省局受理人"</th><td>"　"</td><th>"总局处理人"</th><td>"　"</td></tr>
            </table>
        </article>
    }
}

#[component]
fn Authorization(u: UnitInfo, f: AccessForm) -> impl IntoView {
    if !f.built_by_authorized {
        return view! { <p class="notice">"本申请的应用系统为自行建设，无需提供授权委托书。"</p> }.into_any();
    }
    view! {
        <article class="sheet" data-form="authorization">
            <h1>"乐企直连服务授权委托书"</h1>
            <p>"授权单位名称："{u.enterprise_name.clone()}"　纳税人识别号："{u.credit_code.clone()}</p>
            <p>"被授权单位名称："{f.builder_name.clone()}"　纳税人识别号："{f.builder_code.clone()}</p>
            <p>"一、乐企自用直连单位授权其关联企业建设、管理平台，或授权不具关联关系的第三方企业承担建设责任，并承担因被授权单位的违法违规行为引发严重后果的连带责任。"</p>
            <p>"二、被授权单位应当能够统筹建设或改造乐企自用直连单位及使用单位的自有业务系统以适配乐企服务要求；被授权单位为授权单位的关联企业时，被授权单位可按照税务机关的服务管理要求，代表直连单位实施乐企对接，并负责乐企自用的管理工作。"</p>
            <p>"三、被授权单位应当具备的条件：已纳入数电票试点纳税人范围；纳税信用等级为A、B级；近三年内不存在税务机关确定的重大税收违法行为；能按照税务机关要求依法提供相关涉税数据；有较强的信息化建设、服务、运维能力，企业自有信息系统具有软件著作权、使用权，或相关授权；按照税务机关的要求保存数据并内嵌风险控制规则，向税务机关开放接口供在线审计；遵守网络安全、数据安全相关规定。"</p>
            <p class="sign">"授权单位：（盖章）　法定代表人："{u.legal_representative.clone()}"（签名）　　年　月　日"</p>
            <p class="sign">"被授权单位：（盖章）　法定代表人：　　　（签名）　　年　月　日"</p>
        </article>
    }
    .into_any()
}

#[component]
fn Agreement(u: UnitInfo) -> impl IntoView {
    let text: RwSignal<Option<String>> = RwSignal::new(None);
    spawn_local(async move { text.set(Some(agreement_text().await.unwrap_or_else(|| "（协议文本加载失败，请刷新后重试）".into()))) });
    view! {
        <article class="sheet" data-form="agreement">
            <h1>"乐企直连服务协议书"</h1>
            <p>"甲方（税务机关）名称："{u.tax_office_name.clone()}</p>
            <p>"乙方（直连单位）名称："{u.enterprise_name.clone()}</p>
            <p>"统一社会信用代码："{u.credit_code.clone()}</p>
            <p>"法定代表人（负责人）姓名："{u.legal_representative.clone()}</p>
            <p>"为实现更优质高效的数电票等相关涉税服务，本着自愿、平等的原则，甲、乙双方经协商签订如下协议。"</p>
            {move || text.get().unwrap_or_default().lines().filter(|l| !l.trim().is_empty()).map(|l| {
                if l.starts_with('第') && l.contains('条') && l.chars().count() < 20 {
                    view! { <h2 class="article">{l.to_string()}</h2> }.into_any()
                } else {
                    view! { <p>{l.to_string()}</p> }.into_any()
                }
            }).collect_view()}
            <p class="sign">"甲方：（盖章）　负责人签字：　　　　　年　月　日"</p>
            <p class="sign">"乙方：（盖章）　法定代表人："{u.legal_representative.clone()}"（签字）　　年　月　日"</p>
        </article>
    }
}
