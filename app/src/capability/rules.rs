//! 能力中心 (guideline-sichuan 第四章 能力订阅; guideline-neimenggu 第二章 2.(1)–(5)).
//!
//! The catalogue is data (`rules/capabilities.json`): each capability's code, name,
//! group, whether it is a 公用基础能力 (open to every direct unit without a request) or
//! 非公用 (a subscription; some need a qualification such as 成品油经营许可), its
//! documentation and its test cases.
//!
//! A subscription moves: 未订阅 →【订阅】→ 待测试 → (every case passed in the 测试中心)
//! 【生成测试报告】→ 测试通过 →【提交税务机关确认】(with the validity the unit chose, bounded
//! by its qualification term) → 待确认 → 确认通过 (the unit's 主管税务机关) → 已开通 | 退回
//! (a reason) → 已退回 →【重新测试】→ 待测试. 已开通 past its 有效期 reads 已到期 and needs a
//! new subscription, test and confirmation (guideline-neimenggu 第二章 2.(4)).
//!
//! The 测试中心's cases are checked here too (`check_case`): a JSON body against the
//! capability's rules, with an error per field.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::kernel::{Amount, CreditCode, MobilePhone, Timestamp};

/// One test case of a capability.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestCase {
    pub code: String,
    pub name: String,
    pub kind: CaseKind,
    /// What the request must satisfy (shown on the 测试中心 page).
    pub doc: String,
}

/// Which rules a case's request body is checked against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseKind {
    InvoiceQuery,
    UseUnitLookup,
    BlueInvoice,
    /// A blue invoice with at least two lines at different rates.
    BlueInvoiceMultiRate,
    /// References a blue invoice issued earlier in the same sandbox.
    RedInvoice,
    InvoiceDelivery,
}

/// One capability of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Capability {
    pub code: String,
    pub name: String,
    pub group: String,
    /// 公用基础能力: open to every direct unit, no subscription.
    pub public: bool,
    /// A qualification the unit must hold to subscribe (e.g. 成品油经营许可).
    pub qualification: Option<String>,
    /// 能力说明文档
    pub doc: String,
    pub cases: Vec<TestCase>,
}

#[derive(Deserialize)]
struct CatalogueFile {
    capabilities: Vec<Capability>,
}

/// The catalogue (`rules/capabilities.json`, compiled in).
pub fn catalogue() -> Vec<Capability> {
    let file: CatalogueFile = serde_json::from_str(include_str!("../../../rules/capabilities.json")).expect("rules/capabilities.json is valid");
    file.capabilities
}

/// A capability by its code: the parse of an outside code (clear Chinese error).
pub fn find(code: &str) -> Result<Capability, CapabilityError> {
    let code = code.trim();
    catalogue().into_iter().find(|c| c.code == code).ok_or(CapabilityError::Unknown)
}

/// 开通状态.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CapabilityStatus {
    /// 未订阅
    NotSubscribed,
    /// 待测试 (subscribed; the 测试中心 is open)
    AwaitingTest,
    /// 测试通过 (the report is generated)
    TestPassed,
    /// 待确认 (the report is with the 主管税务机关), with the validity asked for
    AwaitingConfirmation { valid_until: String },
    /// 已开通 until the end of `valid_until` ("YYYY-MM-DD")
    Opened { valid_until: String },
    /// 已退回
    Returned { reason: String },
    /// 已到期
    Expired { valid_until: String },
}

impl CapabilityStatus {
    pub const FILTERS: [(&'static str, &'static str); 7] = [
        ("not_subscribed", "未订阅"),
        ("awaiting_test", "待测试"),
        ("test_passed", "测试通过"),
        ("awaiting_confirmation", "待确认"),
        ("opened", "已开通"),
        ("returned", "已退回"),
        ("expired", "已到期"),
    ];

    pub fn code(&self) -> &'static str {
        match self {
            CapabilityStatus::NotSubscribed => "not_subscribed",
            CapabilityStatus::AwaitingTest => "awaiting_test",
            CapabilityStatus::TestPassed => "test_passed",
            CapabilityStatus::AwaitingConfirmation { .. } => "awaiting_confirmation",
            CapabilityStatus::Opened { .. } => "opened",
            CapabilityStatus::Returned { .. } => "returned",
            CapabilityStatus::Expired { .. } => "expired",
        }
    }

    pub fn label(&self) -> &'static str {
        Self::FILTERS.iter().find(|(c, _)| *c == self.code()).map(|(_, l)| *l).unwrap_or("")
    }

    pub fn reason(&self) -> Option<&str> {
        match self {
            CapabilityStatus::Returned { reason } => Some(reason),
            _ => None,
        }
    }

    /// 有效期 ("YYYY-MM-DD") once asked for or granted.
    pub fn valid_until(&self) -> Option<&str> {
        match self {
            CapabilityStatus::AwaitingConfirmation { valid_until } | CapabilityStatus::Opened { valid_until } | CapabilityStatus::Expired { valid_until } => Some(valid_until),
            _ => None,
        }
    }

    /// The status as of `today` ("YYYY-MM-DD", Beijing): 已开通 whose 有效期 has passed is 已到期.
    pub fn as_of(self, today: &str) -> CapabilityStatus {
        match self {
            CapabilityStatus::Opened { valid_until } if valid_until.as_str() < today => CapabilityStatus::Expired { valid_until },
            other => other,
        }
    }

    /// The capability may be used (signed API, grants).
    pub fn is_open(&self) -> bool {
        matches!(self, CapabilityStatus::Opened { .. })
    }
}

/// Who looks at / acts on a subscription.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CapabilityViewer {
    /// The direct unit that subscribes.
    DirectUnit,
    /// An officer of the unit's 主管税务机关.
    Officer,
}

/// What may be done now (the pages show exactly these).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CapabilityAction {
    /// 订阅 (未订阅, 已到期)
    Subscribe,
    /// 生成测试报告 (every case passed)
    GenerateReport,
    /// 提交税务机关确认 (with 有效期)
    SubmitReport,
    /// 重新测试 (已退回)
    Retest,
    /// 确认通过 (officer)
    Confirm,
    /// 退回 (officer, a reason)
    Return,
}

impl CapabilityAction {
    pub fn label(self) -> &'static str {
        match self {
            CapabilityAction::Subscribe => "订阅",
            CapabilityAction::GenerateReport => "生成测试报告",
            CapabilityAction::SubmitReport => "提交税务机关确认",
            CapabilityAction::Retest => "重新测试",
            CapabilityAction::Confirm => "确认通过",
            CapabilityAction::Return => "退回",
        }
    }

    /// Timeline / audit wording.
    pub fn event_label(self) -> &'static str {
        match self {
            CapabilityAction::Subscribe => "能力订阅",
            CapabilityAction::GenerateReport => "生成测试报告",
            CapabilityAction::SubmitReport => "提交能力测试报告",
            CapabilityAction::Retest => "重新测试",
            CapabilityAction::Confirm => "确认通过能力测试报告",
            CapabilityAction::Return => "退回能力订阅请求",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CapabilityError {
    #[error("能力不存在")]
    Unknown,
    #[error("公用基础能力无需订阅，直连单位可直接使用")]
    PublicNeedsNoSubscription,
    #[error("本单位不具备{0}，不能订阅该能力（非公用基础能力须具有相应行业或领域经营资格）")]
    QualificationMissing(String),
    #[error("当前状态为{0}，不能进行此操作")]
    WrongStatus(&'static str),
    #[error("仅直连单位可以进行此操作")]
    NotDirectUnit,
    #[error("仅主管税务机关可以确认或退回")]
    NotOfficer,
    #[error("测试用例尚未全部通过，不能生成测试报告")]
    CasesNotPassed,
    #[error("请填写退回原因")]
    ReasonRequired,
    #[error("请选择有效期")]
    ValidUntilRequired,
    #[error("有效期格式应为YYYY-MM-DD")]
    ValidUntilFormat,
    #[error("有效期须晚于今天")]
    ValidUntilPast,
    #[error("有效期不能超过本单位乐企资格有效期（{0}）")]
    ValidUntilBeyondTerm(String),
    #[error("本单位尚无乐企资格有效期，不能开通能力")]
    NoQualificationTerm,
}

/// 【订阅】: a 非公用 capability, by a unit holding its qualification.
pub fn may_subscribe(c: &Capability, unit_qualifications: &[String]) -> Result<(), CapabilityError> {
    if c.public {
        return Err(CapabilityError::PublicNeedsNoSubscription);
    }
    if let Some(q) = &c.qualification {
        if !unit_qualifications.iter().any(|u| u == q) {
            return Err(CapabilityError::QualificationMissing(q.clone()));
        }
    }
    Ok(())
}

/// The 有效期 the unit chose: a real date after today, at most the unit's qualification term
/// (guideline-neimenggu 第二章 2.(4) 直連單位可自主設置已開通能力的有效期).
pub fn parse_valid_until(input: &str, today: &str, qualification_end: Option<&str>) -> Result<String, CapabilityError> {
    let s = input.trim();
    if s.is_empty() {
        return Err(CapabilityError::ValidUntilRequired);
    }
    if Timestamp::parse_beijing_date(s).is_none() {
        return Err(CapabilityError::ValidUntilFormat);
    }
    if s <= today {
        return Err(CapabilityError::ValidUntilPast);
    }
    let Some(end) = qualification_end else { return Err(CapabilityError::NoQualificationTerm) };
    if s > end {
        return Err(CapabilityError::ValidUntilBeyondTerm(end.to_string()));
    }
    Ok(s.to_string())
}

/// What a step needs besides the status.
#[derive(Debug, Clone, Default)]
pub struct CapabilityStepInput {
    /// Every test case of the current round passed.
    pub all_cases_passed: bool,
    /// 提交: the parsed 有效期.
    pub valid_until: Option<String>,
    /// 退回: the reason.
    pub reason: String,
}

/// The actions `viewer` has on a subscription in `status` (as of today).
pub fn actions_for(status: &CapabilityStatus, viewer: CapabilityViewer, all_cases_passed: bool) -> Vec<CapabilityAction> {
    use CapabilityAction as A;
    use CapabilityStatus as S;
    match (status, viewer) {
        (S::NotSubscribed | S::Expired { .. }, CapabilityViewer::DirectUnit) => vec![A::Subscribe],
        (S::AwaitingTest, CapabilityViewer::DirectUnit) if all_cases_passed => vec![A::GenerateReport],
        (S::TestPassed, CapabilityViewer::DirectUnit) => vec![A::SubmitReport],
        (S::Returned { .. }, CapabilityViewer::DirectUnit) => vec![A::Retest],
        (S::AwaitingConfirmation { .. }, CapabilityViewer::Officer) => vec![A::Confirm, A::Return],
        _ => vec![],
    }
}

/// One step: who may take it from which status, and the status it leads to.
pub fn apply(status: &CapabilityStatus, viewer: CapabilityViewer, action: CapabilityAction, input: &CapabilityStepInput) -> Result<CapabilityStatus, CapabilityError> {
    use CapabilityAction as A;
    use CapabilityStatus as S;
    let officer_step = matches!(action, A::Confirm | A::Return);
    match (officer_step, viewer) {
        (true, CapabilityViewer::DirectUnit) => return Err(CapabilityError::NotOfficer),
        (false, CapabilityViewer::Officer) => return Err(CapabilityError::NotDirectUnit),
        _ => {}
    }
    let wrong = || CapabilityError::WrongStatus(status.label());
    match (action, status) {
        (A::Subscribe, S::NotSubscribed | S::Expired { .. }) => Ok(S::AwaitingTest),
        (A::GenerateReport, S::AwaitingTest) if input.all_cases_passed => Ok(S::TestPassed),
        (A::GenerateReport, S::AwaitingTest) => Err(CapabilityError::CasesNotPassed),
        (A::SubmitReport, S::TestPassed) => match &input.valid_until {
            Some(v) => Ok(S::AwaitingConfirmation { valid_until: v.clone() }),
            None => Err(CapabilityError::ValidUntilRequired),
        },
        (A::Retest, S::Returned { .. }) => Ok(S::AwaitingTest),
        (A::Confirm, S::AwaitingConfirmation { valid_until }) => Ok(S::Opened { valid_until: valid_until.clone() }),
        (A::Return, S::AwaitingConfirmation { .. }) => {
            let reason = input.reason.trim();
            if reason.is_empty() {
                return Err(CapabilityError::ReasonRequired);
            }
            Ok(S::Returned { reason: reason.chars().take(500).collect() })
        }
        _ => Err(wrong()),
    }
}

/// A step that starts a new round of tests (earlier case results no longer count).
pub fn starts_new_round(action: CapabilityAction) -> bool {
    matches!(action, CapabilityAction::Subscribe | CapabilityAction::Retest)
}

// ---------------------------------------------------------------------------
// 测试中心: a case's request body against the capability's rules
// ---------------------------------------------------------------------------

/// A field's error in a sandbox request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseFieldError {
    pub field: String,
    pub message: String,
}

/// A blue invoice the sandbox has issued (a red one must reference one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SandboxInvoice {
    pub invoice_no: String,
    /// 金额 (不含税) in 分
    pub amount_cents: i64,
}

/// What the sandbox answers for a good request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseAccepted {
    /// A blue invoice: its amount (the number is given by the caller of `check_case`).
    Issued { amount_cents: i64, tax_cents: i64 },
    /// Anything else: accepted.
    Accepted,
}

/// The allowed 税率 (数电票: 13%, 9%, 6%, 5%, 3%, 1%, 0).
pub const TAX_RATES_BP: [i64; 7] = [0, 100, 300, 500, 600, 900, 1300];
/// Red-letter reasons.
pub const RED_REASONS: [&str; 4] = ["开票有误", "销货退回", "服务中止", "销售折让"];
/// Lines per invoice at most.
pub const MAX_LINES: usize = 2000;

/// 分 as "1234.56".
fn yuan(fen: i64) -> String {
    Amount::from_fen(fen).map(|a| a.to_string()).unwrap_or_default()
}

fn err(field: impl Into<String>, message: impl Into<String>) -> CaseFieldError {
    CaseFieldError { field: field.into(), message: message.into() }
}

fn text<'a>(body: &'a Value, field: &str) -> Option<&'a str> {
    body.get(field).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty())
}

fn amount(body: &Value, field: &str, name: &str, errors: &mut Vec<CaseFieldError>) -> Option<i64> {
    match body.get(field) {
        Some(Value::String(s)) => match Amount::parse(s) {
            Ok(a) => Some(a.fen()),
            Err(e) => {
                errors.push(err(field, format!("{name}：{e}")));
                None
            }
        },
        Some(_) => {
            errors.push(err(field, format!("{name}应为字符串，如 \"100.00\"")));
            None
        }
        None => {
            errors.push(err(field, format!("请填写{name}")));
            None
        }
    }
}

/// "0.13" → 1300 basis points, only the allowed rates.
fn tax_rate(v: Option<&Value>) -> Result<i64, String> {
    let s = match v {
        Some(Value::String(s)) => s.trim().to_string(),
        Some(Value::Number(n)) => n.to_string(),
        None => return Err("请填写税率".into()),
        _ => return Err("税率应为如 \"0.13\" 的数字".into()),
    };
    let parsed = Amount::parse(&s).map_err(|_| "税率应为如 \"0.13\" 的数字".to_string())?;
    // Amount keeps two decimals: 0.13 → 13 分 → 1300 bp; 0.015 is refused by the parse.
    let bp = parsed.fen() * 100;
    if TAX_RATES_BP.contains(&bp) {
        Ok(bp)
    } else {
        Err("税率不在允许范围内（0、0.01、0.03、0.05、0.06、0.09、0.13）".into())
    }
}

fn check_blue(body: &Value, multi_rate: bool, errors: &mut Vec<CaseFieldError>) -> Option<(i64, i64)> {
    match text(body, "buyer_credit_code") {
        None => errors.push(err("buyer_credit_code", "请填写购买方统一社会信用代码")),
        Some(c) => {
            if let Err(e) = CreditCode::parse(c) {
                errors.push(err("buyer_credit_code", format!("购买方统一社会信用代码：{e}")));
            }
        }
    }
    if text(body, "buyer_name").is_none() {
        errors.push(err("buyer_name", "请填写购买方名称"));
    }
    let Some(items) = body.get("items").and_then(Value::as_array).filter(|a| !a.is_empty()) else {
        errors.push(err("items", "请填写至少一行明细"));
        return None;
    };
    if items.len() > MAX_LINES {
        errors.push(err("items", format!("明细最多{MAX_LINES}行")));
        return None;
    }
    let (mut sum, mut sum_tax, mut rates) = (0i64, 0i64, Vec::new());
    let mut lines_ok = true;
    for (i, item) in items.iter().enumerate() {
        let p = |f: &str| format!("items[{i}].{f}");
        if text(item, "name").is_none() {
            errors.push(err(p("name"), format!("第{}行：请填写项目名称", i + 1)));
        }
        let before = errors.len();
        let a = amount(item, "amount", "金额", errors);
        let t = amount(item, "tax", "税额", errors);
        for e in &mut errors[before..] {
            e.field = p(&e.field);
            e.message = format!("第{}行：{}", i + 1, e.message);
        }
        let rate = match tax_rate(item.get("tax_rate")) {
            Ok(r) => Some(r),
            Err(m) => {
                errors.push(err(p("tax_rate"), format!("第{}行：{m}", i + 1)));
                None
            }
        };
        match (a, t, rate) {
            (Some(a), Some(t), Some(r)) => {
                let expected = (a * r + 5000) / 10_000;
                if (t - expected).abs() > 1 {
                    errors.push(err(p("tax"), format!("第{}行：税额应为金额×税率（{}）", i + 1, yuan(expected))));
                }
                sum += a;
                sum_tax += t;
                rates.push(r);
            }
            _ => lines_ok = false,
        }
    }
    if multi_rate {
        rates.sort_unstable();
        rates.dedup();
        if lines_ok && (items.len() < 2 || rates.len() < 2) {
            errors.push(err("items", "本用例须有至少两行不同税率的明细"));
        }
    }
    let total = amount(body, "total_amount", "合计金额", errors);
    let total_tax = amount(body, "total_tax", "合计税额", errors);
    if lines_ok {
        if total.is_some_and(|t| t != sum) {
            errors.push(err("total_amount", format!("合计金额应等于各行金额之和（{}）", yuan(sum))));
        }
        if total_tax.is_some_and(|t| t != sum_tax) {
            errors.push(err("total_tax", format!("合计税额应等于各行税额之和（{}）", yuan(sum_tax))));
        }
    }
    errors.is_empty().then_some((sum, sum_tax))
}

/// Checks a case's request body. `issued`: the blue invoices this unit's sandbox issued.
pub fn check_case(kind: CaseKind, body: &Value, issued: &[SandboxInvoice]) -> Result<CaseAccepted, Vec<CaseFieldError>> {
    let mut errors = Vec::new();
    if !body.is_object() {
        return Err(vec![err("body", "请求体应为JSON对象")]);
    }
    let issued_no = |no: &str| issued.iter().find(|i| i.invoice_no == no).cloned();
    let accepted = match kind {
        CaseKind::BlueInvoice | CaseKind::BlueInvoiceMultiRate => {
            check_blue(body, kind == CaseKind::BlueInvoiceMultiRate, &mut errors).map(|(amount_cents, tax_cents)| CaseAccepted::Issued { amount_cents, tax_cents })
        }
        CaseKind::RedInvoice => {
            let original = match text(body, "original_invoice_no") {
                None => {
                    errors.push(err("original_invoice_no", "请填写原蓝字发票号码"));
                    None
                }
                Some(no) => match issued_no(no) {
                    None => {
                        errors.push(err("original_invoice_no", "原蓝字发票不存在：须为本测试中心已开具的蓝字发票"));
                        None
                    }
                    found => found,
                },
            };
            match text(body, "reason") {
                Some(r) if RED_REASONS.contains(&r) => {}
                Some(_) => errors.push(err("reason", "冲红原因应为：开票有误、销货退回、服务中止、销售折让")),
                None => errors.push(err("reason", "请填写冲红原因")),
            }
            let a = amount(body, "amount", "冲红金额", &mut errors);
            if let (Some(o), Some(a)) = (&original, a) {
                if a == 0 || a > o.amount_cents {
                    errors.push(err("amount", format!("冲红金额应大于0且不超过原发票金额（{}）", yuan(o.amount_cents))));
                }
            }
            Some(CaseAccepted::Accepted)
        }
        CaseKind::InvoiceQuery => {
            let no = text(body, "invoice_no");
            let (start, end) = (text(body, "start_date"), text(body, "end_date"));
            match (no, start, end) {
                (Some(no), _, _) => {
                    if no.len() != 20 || !no.bytes().all(|b| b.is_ascii_digit()) {
                        errors.push(err("invoice_no", "发票号码应为20位数字"));
                    }
                }
                (None, Some(s), Some(e)) => match (Timestamp::parse_beijing_date(s), Timestamp::parse_beijing_date(e)) {
                    (None, _) => errors.push(err("start_date", "开票日期起格式应为YYYY-MM-DD")),
                    (_, None) => errors.push(err("end_date", "开票日期止格式应为YYYY-MM-DD")),
                    (Some(s), Some(e)) if s.0 > e.0 => errors.push(err("end_date", "开票日期止不能早于开票日期起")),
                    (Some(s), Some(e)) if (e.0 - s.0) / 86_400_000 > 30 => errors.push(err("end_date", "查询区间不能超过31天")),
                    _ => {}
                },
                (None, None, _) => errors.push(err("start_date", "请填写发票号码或开票日期起止")),
                (None, Some(_), None) => errors.push(err("end_date", "请填写开票日期止")),
            }
            Some(CaseAccepted::Accepted)
        }
        CaseKind::UseUnitLookup => {
            match text(body, "credit_code") {
                None => errors.push(err("credit_code", "请填写统一社会信用代码")),
                Some(c) => {
                    if let Err(e) = CreditCode::parse(c) {
                        errors.push(err("credit_code", e.to_string()));
                    }
                }
            }
            Some(CaseAccepted::Accepted)
        }
        CaseKind::InvoiceDelivery => {
            match text(body, "invoice_no") {
                None => errors.push(err("invoice_no", "请填写发票号码")),
                Some(no) if issued_no(no).is_none() => errors.push(err("invoice_no", "发票不存在：须为本测试中心已开具的发票")),
                Some(_) => {}
            }
            match (text(body, "email"), text(body, "phone")) {
                (None, None) => errors.push(err("email", "请填写电子邮箱或手机号码")),
                (Some(e), _) => {
                    let ok = e.len() <= 100 && e.split_once('@').is_some_and(|(u, d)| !u.is_empty() && d.contains('.') && !d.starts_with('.') && !d.ends_with('.')) && !e.contains(char::is_whitespace);
                    if !ok {
                        errors.push(err("email", "电子邮箱格式不正确"));
                    }
                }
                (None, Some(p)) => {
                    if let Err(e) = MobilePhone::parse(p) {
                        errors.push(err("phone", e.to_string()));
                    }
                }
            }
            Some(CaseAccepted::Accepted)
        }
    };
    match accepted {
        Some(a) if errors.is_empty() => Ok(a),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use CapabilityAction as A;
    use CapabilityStatus as S;
    use CapabilityViewer as V;

    const BUYER: &str = "91510104MA6CLQ001T";

    fn passed() -> CapabilityStepInput {
        CapabilityStepInput { all_cases_passed: true, ..Default::default() }
    }

    #[test]
    fn the_catalogue_is_data_with_public_and_non_public_capabilities_each_with_cases() {
        let c = catalogue();
        assert!(c.len() >= 5);
        assert!(c.iter().any(|c| c.public) && c.iter().any(|c| !c.public));
        assert!(c.iter().any(|c| c.qualification.is_some()));
        for cap in &c {
            assert!(!cap.cases.is_empty(), "{} has no test case", cap.code);
            assert!(!cap.doc.is_empty());
        }
        let mut codes: Vec<_> = c.iter().map(|c| c.code.clone()).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), c.len(), "codes are unique");
        assert_eq!(find(" blue_invoice ").unwrap().name, "蓝字发票开具");
        assert_eq!(find("nope"), Err(CapabilityError::Unknown));
    }

    #[test]
    fn only_non_public_capabilities_are_subscribed_and_only_with_their_qualification() {
        let public = catalogue().into_iter().find(|c| c.public).unwrap();
        assert_eq!(may_subscribe(&public, &[]), Err(CapabilityError::PublicNeedsNoSubscription));
        assert_eq!(may_subscribe(&find("blue_invoice").unwrap(), &[]), Ok(()));
        let oil = find("refined_oil_invoice").unwrap();
        let e = may_subscribe(&oil, &[]).unwrap_err();
        assert_eq!(e.to_string(), "本单位不具备成品油经营许可，不能订阅该能力（非公用基础能力须具有相应行业或领域经营资格）");
        assert_eq!(may_subscribe(&oil, &["成品油经营许可".to_string()]), Ok(()));
    }

    #[test]
    fn validity_is_after_today_and_within_the_qualification_term() {
        let today = "2026-11-30";
        assert_eq!(parse_valid_until(" ", today, Some("2028-12-31")), Err(CapabilityError::ValidUntilRequired));
        assert_eq!(parse_valid_until("2027-02-30", today, Some("2028-12-31")), Err(CapabilityError::ValidUntilFormat));
        assert_eq!(parse_valid_until("2026-11-30", today, Some("2028-12-31")), Err(CapabilityError::ValidUntilPast));
        assert_eq!(parse_valid_until("2029-01-01", today, Some("2028-12-31")), Err(CapabilityError::ValidUntilBeyondTerm("2028-12-31".into())));
        assert_eq!(parse_valid_until("2027-06-30", today, None), Err(CapabilityError::NoQualificationTerm));
        assert_eq!(parse_valid_until(" 2028-12-31 ", today, Some("2028-12-31")), Ok("2028-12-31".into()));
    }

    #[test]
    fn the_subscription_runs_subscribe_test_report_submit_confirm() {
        let s = apply(&S::NotSubscribed, V::DirectUnit, A::Subscribe, &CapabilityStepInput::default()).unwrap();
        assert_eq!(s, S::AwaitingTest);
        assert_eq!(apply(&s, V::DirectUnit, A::GenerateReport, &CapabilityStepInput::default()), Err(CapabilityError::CasesNotPassed));
        let s = apply(&s, V::DirectUnit, A::GenerateReport, &passed()).unwrap();
        assert_eq!(s, S::TestPassed);
        assert_eq!(apply(&s, V::DirectUnit, A::SubmitReport, &CapabilityStepInput::default()), Err(CapabilityError::ValidUntilRequired));
        let s = apply(&s, V::DirectUnit, A::SubmitReport, &CapabilityStepInput { valid_until: Some("2027-12-31".into()), ..Default::default() }).unwrap();
        assert_eq!(s, S::AwaitingConfirmation { valid_until: "2027-12-31".into() });
        let s = apply(&s, V::Officer, A::Confirm, &CapabilityStepInput::default()).unwrap();
        assert_eq!(s, S::Opened { valid_until: "2027-12-31".into() });
        assert!(s.is_open() && s.label() == "已开通");
    }

    #[test]
    fn the_officer_returns_with_a_reason_and_the_unit_tests_again() {
        let waiting = S::AwaitingConfirmation { valid_until: "2027-12-31".into() };
        assert_eq!(apply(&waiting, V::Officer, A::Return, &CapabilityStepInput { reason: "  ".into(), ..Default::default() }), Err(CapabilityError::ReasonRequired));
        let r = apply(&waiting, V::Officer, A::Return, &CapabilityStepInput { reason: " 行业不具备能力适用条件 ".into(), ..Default::default() }).unwrap();
        assert_eq!(r.reason(), Some("行业不具备能力适用条件"));
        assert_eq!(actions_for(&r, V::DirectUnit, false), [A::Retest]);
        assert_eq!(apply(&r, V::DirectUnit, A::Retest, &CapabilityStepInput::default()), Ok(S::AwaitingTest));
        assert!(starts_new_round(A::Retest) && starts_new_round(A::Subscribe) && !starts_new_round(A::Confirm));
    }

    #[test]
    fn only_the_officer_decides_and_only_the_unit_takes_its_own_steps() {
        let waiting = S::AwaitingConfirmation { valid_until: "2027-12-31".into() };
        assert_eq!(apply(&waiting, V::DirectUnit, A::Confirm, &CapabilityStepInput::default()), Err(CapabilityError::NotOfficer));
        assert_eq!(apply(&S::NotSubscribed, V::Officer, A::Subscribe, &CapabilityStepInput::default()), Err(CapabilityError::NotDirectUnit));
        assert_eq!(apply(&S::AwaitingTest, V::Officer, A::Confirm, &CapabilityStepInput::default()), Err(CapabilityError::WrongStatus("待测试")));
        assert_eq!(apply(&S::AwaitingTest, V::DirectUnit, A::Subscribe, &CapabilityStepInput::default()), Err(CapabilityError::WrongStatus("待测试")));
        assert!(apply(&S::Opened { valid_until: "2027-12-31".into() }, V::DirectUnit, A::Subscribe, &CapabilityStepInput::default()).is_err());
    }

    #[test]
    fn an_opened_capability_past_its_validity_is_expired_and_subscribed_again() {
        let opened = S::Opened { valid_until: "2026-12-31".into() };
        assert_eq!(opened.clone().as_of("2026-12-31"), opened);
        let expired = opened.as_of("2027-01-01");
        assert_eq!(expired, S::Expired { valid_until: "2026-12-31".into() });
        assert!(!expired.is_open());
        assert_eq!(actions_for(&expired, V::DirectUnit, false), [A::Subscribe]);
        assert_eq!(apply(&expired, V::DirectUnit, A::Subscribe, &CapabilityStepInput::default()), Ok(S::AwaitingTest));
    }

    #[test]
    fn actions_follow_status_and_viewer() {
        assert_eq!(actions_for(&S::NotSubscribed, V::DirectUnit, false), [A::Subscribe]);
        assert!(actions_for(&S::AwaitingTest, V::DirectUnit, false).is_empty());
        assert_eq!(actions_for(&S::AwaitingTest, V::DirectUnit, true), [A::GenerateReport]);
        assert_eq!(actions_for(&S::TestPassed, V::DirectUnit, true), [A::SubmitReport]);
        let waiting = S::AwaitingConfirmation { valid_until: "2027-12-31".into() };
        assert!(actions_for(&waiting, V::DirectUnit, true).is_empty());
        assert_eq!(actions_for(&waiting, V::Officer, true), [A::Confirm, A::Return]);
        assert!(actions_for(&S::Opened { valid_until: "2027-12-31".into() }, V::DirectUnit, true).is_empty());
        assert_eq!(A::SubmitReport.label(), "提交税务机关确认");
        assert_eq!(S::FILTERS.map(|(_, l)| l), ["未订阅", "待测试", "测试通过", "待确认", "已开通", "已退回", "已到期"]);
    }

    fn blue(lines: Value, total: &str, tax: &str) -> Value {
        json!({ "buyer_credit_code": BUYER, "buyer_name": "四川蜀乐科技集团有限公司", "items": lines, "total_amount": total, "total_tax": tax })
    }

    #[test]
    fn a_blue_invoice_needs_a_valid_buyer_allowed_rates_and_amounts_that_add_up() {
        let good = blue(json!([{ "name": "软件服务", "amount": "100.00", "tax_rate": "0.06", "tax": "6.00" }]), "100.00", "6.00");
        assert_eq!(check_case(CaseKind::BlueInvoice, &good, &[]), Ok(CaseAccepted::Issued { amount_cents: 10_000, tax_cents: 600 }));
        let mut bad = good.clone();
        bad["buyer_credit_code"] = json!("91510104MA6CLQ001X");
        let e = check_case(CaseKind::BlueInvoice, &bad, &[]).unwrap_err();
        assert_eq!(e[0].field, "buyer_credit_code");
        let rate = blue(json!([{ "name": "软件服务", "amount": "100.00", "tax_rate": "0.07", "tax": "7.00" }]), "100.00", "7.00");
        assert_eq!(check_case(CaseKind::BlueInvoice, &rate, &[]).unwrap_err()[0].field, "items[0].tax_rate");
        let sum = blue(json!([{ "name": "软件服务", "amount": "100.00", "tax_rate": "0.06", "tax": "6.00" }]), "101.00", "6.00");
        assert_eq!(check_case(CaseKind::BlueInvoice, &sum, &[]).unwrap_err()[0].field, "total_amount");
        let tax = blue(json!([{ "name": "软件服务", "amount": "100.00", "tax_rate": "0.06", "tax": "9.00" }]), "100.00", "9.00");
        assert_eq!(check_case(CaseKind::BlueInvoice, &tax, &[]).unwrap_err()[0].field, "items[0].tax");
        assert_eq!(check_case(CaseKind::BlueInvoice, &json!([1]), &[]).unwrap_err()[0].field, "body");
        assert_eq!(check_case(CaseKind::BlueInvoice, &json!({}), &[]).unwrap_err().len(), 3);
    }

    #[test]
    fn the_multi_rate_case_needs_two_rates() {
        let one = blue(json!([{ "name": "a", "amount": "100.00", "tax_rate": "0.13", "tax": "13.00" }]), "100.00", "13.00");
        assert_eq!(check_case(CaseKind::BlueInvoiceMultiRate, &one, &[]).unwrap_err()[0].field, "items");
        let two = blue(
            json!([{ "name": "a", "amount": "100.00", "tax_rate": "0.13", "tax": "13.00" }, { "name": "b", "amount": "50.00", "tax_rate": "0.09", "tax": "4.50" }]),
            "150.00",
            "17.50",
        );
        assert!(check_case(CaseKind::BlueInvoiceMultiRate, &two, &[]).is_ok());
    }

    #[test]
    fn a_red_invoice_references_an_earlier_blue_one_and_stays_within_its_amount() {
        let issued = [SandboxInvoice { invoice_no: "26510000000000000001".into(), amount_cents: 10_000 }];
        let good = json!({ "original_invoice_no": "26510000000000000001", "reason": "销货退回", "amount": "100.00" });
        assert_eq!(check_case(CaseKind::RedInvoice, &good, &issued), Ok(CaseAccepted::Accepted));
        assert_eq!(check_case(CaseKind::RedInvoice, &good, &[]).unwrap_err()[0].field, "original_invoice_no");
        let over = json!({ "original_invoice_no": "26510000000000000001", "reason": "销货退回", "amount": "100.01" });
        assert_eq!(check_case(CaseKind::RedInvoice, &over, &issued).unwrap_err()[0].field, "amount");
        let why = json!({ "original_invoice_no": "26510000000000000001", "reason": "不想要了", "amount": "1.00" });
        assert_eq!(check_case(CaseKind::RedInvoice, &why, &issued).unwrap_err()[0].field, "reason");
    }

    #[test]
    fn query_delivery_and_lookup_check_their_fields() {
        assert!(check_case(CaseKind::InvoiceQuery, &json!({ "start_date": "2026-11-01", "end_date": "2026-11-30" }), &[]).is_ok());
        assert_eq!(check_case(CaseKind::InvoiceQuery, &json!({ "start_date": "2026-10-01", "end_date": "2026-11-30" }), &[]).unwrap_err()[0].field, "end_date");
        assert_eq!(check_case(CaseKind::InvoiceQuery, &json!({ "start_date": "2026-12-01", "end_date": "2026-11-30" }), &[]).unwrap_err()[0].field, "end_date");
        let issued = [SandboxInvoice { invoice_no: "26510000000000000001".into(), amount_cents: 1 }];
        assert!(check_case(CaseKind::InvoiceDelivery, &json!({ "invoice_no": "26510000000000000001", "email": "a@b.cn" }), &issued).is_ok());
        assert_eq!(check_case(CaseKind::InvoiceDelivery, &json!({ "invoice_no": "26510000000000000001", "email": "ab.cn" }), &issued).unwrap_err()[0].field, "email");
        assert_eq!(check_case(CaseKind::InvoiceDelivery, &json!({ "invoice_no": "1", "phone": "13908000001" }), &issued).unwrap_err()[0].field, "invoice_no");
        assert!(check_case(CaseKind::UseUnitLookup, &json!({ "credit_code": BUYER }), &[]).is_ok());
        assert_eq!(check_case(CaseKind::UseUnitLookup, &json!({ "credit_code": "x" }), &[]).unwrap_err()[0].field, "credit_code");
    }
}
