//! The access application (manual §3.3; guidelines ch. 2–3, 5–6; the 接入信息表
//! of the application pack): access types, which form items each type fills,
//! province conditions as data, re-application bans, and the approval state
//! machine with who may take each step.

use serde::{Deserialize, Serialize};

use crate::materials::rules::MaterialRules;
use crate::kernel::{AccessType, Amount, OfficerRole, Timestamp, TransitionError};

/// The 12 相关资质信息 items of the 接入信息表.
pub const QUALIFICATION_ITEMS: [&str; 12] = [
    "使用单位户数",
    "直连单位纳税人连续三年纳税信用级别",
    "直连单位及使用单位前12个月累计发票开受票数量（张）及开票金额（万元）",
    "直连单位及使用单位上一年度合计营业收入（万元）",
    "能否按照税务机关要求依法提供相关涉税数据",
    "近三年是否存在税务机关认定的重大舆情风险警示或应对、重大税收风险警示或应对等行为",
    "征收方式",
    "技术人员占员工人数比例",
    "注册资本（认缴或实缴）",
    "稳定缴纳社保满两年人数",
    "是否属于政府服务机构或由民政部门等登记管理机关核准成立的行业协会",
    "税务机关确定的其他条件",
];

/// One item of 相关资质信息 as a given access type fills it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QualificationItem {
    /// 1-based, as numbered on the form.
    pub no: u8,
    pub label: String,
    /// A hint for this access type (e.g. 联用: only the self-use units).
    pub hint: Option<String>,
}

/// 填表说明 2: 乐企自用 does not fill items 7–11; 乐企他用 does not fill items
/// 1, 3, 4; 乐企联用 fills item 1 with the number of units using the self-use service only.
pub fn qualification_items(t: AccessType) -> Vec<QualificationItem> {
    (1u8..=12)
        .filter(|no| match t {
            AccessType::SelfUse => !(7..=11).contains(no),
            AccessType::OtherUse => ![1, 3, 4].contains(no),
            AccessType::Joint => true,
        })
        .map(|no| QualificationItem {
            no,
            label: QUALIFICATION_ITEMS[no as usize - 1].to_string(),
            hint: (t == AccessType::Joint && no == 1).then(|| "仅填写使用自用服务的单位数".to_string()),
        })
        .collect()
}

/// 纳税信用级别.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum CreditGrade {
    A,
    B,
    M,
    C,
    D,
}

impl CreditGrade {
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "A" => Some(CreditGrade::A),
            "B" => Some(CreditGrade::B),
            "M" => Some(CreditGrade::M),
            "C" => Some(CreditGrade::C),
            "D" => Some(CreditGrade::D),
            _ => None,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            CreditGrade::A => "A",
            CreditGrade::B => "B",
            CreditGrade::M => "M",
            CreditGrade::C => "C",
            CreditGrade::D => "D",
        }
    }
}

/// Kinds of unit for which a province may relax its conditions
/// (guideline-neimenggu ch. 2: 民生保障类行业, 大型国有企业, 行业协会 …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum UnitCategory {
    /// 医院、教育、水气热电、公共交通等民生保障类行业
    PeopleLivelihood,
    /// 大型国有企业
    LargeStateOwned,
    /// 政府服务机构、公共企事业单位或行业协会
    PublicOrAssociation,
}

impl UnitCategory {
    pub fn label(self) -> &'static str {
        match self {
            UnitCategory::PeopleLivelihood => "民生保障类行业",
            UnitCategory::LargeStateOwned => "大型国有企业",
            UnitCategory::PublicOrAssociation => "政府服务机构、公共企事业单位或行业协会",
        }
    }
}

/// Figures of one unit from the registry (核心征管系统), as the conditions see them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitFigures {
    /// 上一年度营业收入
    pub revenue_last_year: Amount,
    /// 发起请求月度前12个月发票开票量 + 受票量（份）
    pub invoices_12m: u64,
    /// 前12个月开票金额
    pub invoiced_amount_12m: Amount,
}

impl UnitFigures {
    fn plus(&self, other: &UnitFigures) -> UnitFigures {
        UnitFigures {
            revenue_last_year: Amount::from_fen(self.revenue_last_year.fen().saturating_add(other.revenue_last_year.fen())).unwrap_or(self.revenue_last_year),
            invoices_12m: self.invoices_12m.saturating_add(other.invoices_12m),
            invoiced_amount_12m: Amount::from_fen(self.invoiced_amount_12m.fen().saturating_add(other.invoiced_amount_12m.fen())).unwrap_or(self.invoiced_amount_12m),
        }
    }
}

/// What the conditions are evaluated on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Applicant {
    pub digital_invoice_pilot: bool,
    /// 上一年度纳税信用级别
    pub credit_grade: Option<CreditGrade>,
    pub figures: UnitFigures,
    pub major_violation_within_3y: bool,
    pub major_public_opinion_within_3y: bool,
    /// 自有信息系统具有软件著作权、使用权或相关授权 (declared with proof in the materials)
    pub has_software_right: bool,
    pub categories: Vec<UnitCategory>,
    /// As a use unit: its declared relationship with the direct unit (单位关系), when one applies.
    #[serde(default)]
    pub relationship: Option<crate::invitation::rules::Relationship>,
}

/// One condition of a province, as data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Condition {
    /// 已纳入数电票开票试点纳税人范围
    DigitalInvoicePilot,
    /// 纳税信用等级 in the list; with `unrated_passes`, a unit that takes no part
    /// in the grading (不参与纳税信用级别评价的, e.g. 非独立核算分支机构) passes too.
    CreditGrade {
        grades: Vec<CreditGrade>,
        #[serde(default)]
        unrated_passes: bool,
    },
    /// A use unit related to the direct unit: 总分公司、母子公司、其他控制关系 or 同一监管部门
    /// (guideline-neimenggu ch. 3 二(一)1 下属单位; guideline-sichuan ch. 2 二(一)2).
    ControlRelationship,
    /// 上一年度营业收入（万元）≥, of the unit plus its pre-invited use units when `with_use_units`
    Revenue { min_wan_yuan: u64, with_use_units: bool },
    /// 前12个月开票量及受票量（份）≥
    InvoiceCount { min: u64, with_use_units: bool },
    /// 前12个月开票金额（万元）≥
    InvoicedAmount { min_wan_yuan: u64, with_use_units: bool },
    /// Any one of these is enough.
    AnyOf { conditions: Vec<Condition> },
    /// 近三年内不存在重大税收违法行为
    NoMajorViolation,
    /// 近三年内未发生重大涉税舆情
    NoMajorPublicOpinion,
    /// 软件著作权、使用权或相关授权
    SoftwareRight,
}

/// A province's rule: a condition, and optionally a relaxed version for some kinds of unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    pub id: String,
    pub label: String,
    pub condition: Condition,
    #[serde(default)]
    pub relaxed: Option<Relaxation>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Relaxation {
    pub for_categories: Vec<UnitCategory>,
    /// None: the rule does not apply to these units at all.
    pub condition: Option<Condition>,
}

/// A province's conditions for direct units, and its re-application bans.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProvinceRules {
    pub province_code: String,
    pub province_name: String,
    pub rules: Vec<Rule>,
    /// Years before a unit that left on its own request may apply again.
    pub reapply_after_voluntary_exit_years: u32,
    /// Years before a unit ordered out may apply again.
    pub reapply_after_ordered_exit_years: u32,
    /// 接入备案 requirements for a 联用类 use unit in this province (manual §3.4.2.4).
    #[serde(default)]
    pub use_unit_filing: Vec<Rule>,
    /// 开票安全验证时间配置: the periods a use unit may choose (manual §4.3.2).
    #[serde(default = "default_verification_periods")]
    pub verification_periods: Vec<crate::invitation::rules::VerificationPeriod>,
    /// 申请材料 (rules saved before materials existed get the national list).
    #[serde(default)]
    pub materials: MaterialRules,
    /// Conditions a 自用类 use unit must meet, checked at invitation
    /// (guideline-neimenggu ch. 3 二(一); guideline-sichuan ch. 2 二(一)).
    #[serde(default)]
    pub use_unit_conditions: Vec<Rule>,
    /// How "初次接入时间为 2 个自然年度" is counted in this province.
    #[serde(default)]
    pub qualification_term: TermReading,
}

/// Readings of guideline-sichuan ch. 5 三 "乐企自用的初次接入时间为 2 个自然年度".
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TermReading {
    /// The rest of the confirmation year is not a whole 自然年度; the term is the two
    /// natural years after it (ends 31 December of the confirmation year + 2).
    /// The default: every unit gets two whole natural years, whatever month it was confirmed in.
    #[default]
    TwoWholeYearsAfter,
    /// The confirmation year counts as the first (ends 31 December of the next year).
    ConfirmationYearAndNext,
    /// 24 months from the confirmation day (ignores 自然).
    TwentyFourMonths,
}

impl TermReading {
    /// The last day of the term ("YYYY-MM-DD", Beijing time) for a confirmation at `at`.
    pub fn end(self, at: Timestamp) -> String {
        let day = at.beijing_time();
        let year: i64 = day[..4].parse().unwrap_or(1970);
        match self {
            TermReading::TwoWholeYearsAfter => format!("{}-12-31", year + 2),
            TermReading::ConfirmationYearAndNext => format!("{}-12-31", year + 1),
            TermReading::TwentyFourMonths => {
                // The day before the same date two years later.
                let (m, d): (u32, u32) = (day[5..7].parse().unwrap_or(1), day[8..10].parse().unwrap_or(1));
                let y = year + 2;
                let (y, m, d) = if d > 1 {
                    (y, m, d - 1)
                } else if m > 1 {
                    (y, m - 1, days_in_month(y, m - 1))
                } else {
                    (y - 1, 12, 31)
                };
                let d = d.min(days_in_month(y, m));
                format!("{y}-{m:02}-{d:02}")
            }
        }
    }
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn default_verification_periods() -> Vec<crate::invitation::rules::VerificationPeriod> {
    [("1d", "1天", 24 * 60), ("7d", "7天", 7 * 24 * 60), ("30d", "30天", 30 * 24 * 60)]
        .into_iter()
        .map(|(code, label, minutes)| crate::invitation::rules::VerificationPeriod { code: code.into(), label: label.into(), minutes })
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CheckOutcome {
    Pass,
    Fail,
    /// Not met by the unit alone; may be met with its pre-invited use units (checked again on 提交).
    NeedsUseUnits,
}

/// One line of 基础信息核验: the unit's value against the threshold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckLine {
    pub rule_id: String,
    pub label: String,
    pub unit_value: String,
    pub threshold: String,
    pub outcome: CheckOutcome,
}

fn wan(a: Amount) -> String {
    let fen = a.fen();
    let wan_fen = 1_000_000; // 1万元 = 1,000,000 分
    if fen % wan_fen == 0 {
        format!("{}万元", fen / wan_fen)
    } else {
        format!("{:.2}万元", fen as f64 / wan_fen as f64)
    }
}

fn wan_amount(w: u64) -> Amount {
    Amount::from_wan_yuan(w).unwrap_or(Amount::ZERO)
}

impl Condition {
    fn uses_use_units(&self) -> bool {
        match self {
            Condition::Revenue { with_use_units, .. } | Condition::InvoiceCount { with_use_units, .. } | Condition::InvoicedAmount { with_use_units, .. } => *with_use_units,
            Condition::AnyOf { conditions } => conditions.iter().any(Condition::uses_use_units),
            _ => false,
        }
    }

    /// (met, unit's value, threshold) on the given figures.
    fn check(&self, a: &Applicant, figures: &UnitFigures) -> (bool, String, String) {
        match self {
            Condition::DigitalInvoicePilot => (a.digital_invoice_pilot, if a.digital_invoice_pilot { "已纳入" } else { "未纳入" }.into(), "已纳入数电票试点".into()),
            Condition::CreditGrade { grades, unrated_passes } => {
                let names: Vec<_> = grades.iter().map(|g| g.label()).collect();
                let threshold = format!("{}级{}", names.join("、"), if *unrated_passes { "（不参与纳税信用级别评价的除外）" } else { "" });
                match a.credit_grade {
                    Some(g) => (grades.contains(&g), format!("{}级", g.label()), threshold),
                    None if *unrated_passes => (true, "未评价（不参与纳税信用级别评价，按除外情形通过）".into(), threshold),
                    None => (false, "未评价".into(), threshold),
                }
            }
            Condition::ControlRelationship => match a.relationship {
                Some(r) if r.category() == crate::invitation::rules::UseCategory::SelfUse => (true, r.label().into(), "总分公司、母子公司、其他控制关系或同一监管部门".into()),
                other => (false, other.map(|r| r.label()).unwrap_or("未声明").into(), "总分公司、母子公司、其他控制关系或同一监管部门".into()),
            },
            Condition::Revenue { min_wan_yuan, .. } => {
                (figures.revenue_last_year >= wan_amount(*min_wan_yuan), wan(figures.revenue_last_year), format!("≥{min_wan_yuan}万元"))
            }
            Condition::InvoiceCount { min, .. } => (figures.invoices_12m >= *min, format!("{}份", figures.invoices_12m), format!("≥{min}份")),
            Condition::InvoicedAmount { min_wan_yuan, .. } => {
                (figures.invoiced_amount_12m >= wan_amount(*min_wan_yuan), wan(figures.invoiced_amount_12m), format!("≥{min_wan_yuan}万元"))
            }
            Condition::AnyOf { conditions } => {
                let parts: Vec<_> = conditions.iter().map(|c| c.check(a, figures)).collect();
                (parts.iter().any(|p| p.0), parts.iter().map(|p| p.1.clone()).collect::<Vec<_>>().join("；"), parts.iter().map(|p| p.2.clone()).collect::<Vec<_>>().join(" 或 "))
            }
            Condition::NoMajorViolation => (!a.major_violation_within_3y, if a.major_violation_within_3y { "存在" } else { "不存在" }.into(), "近三年不存在重大税收违法行为".into()),
            Condition::NoMajorPublicOpinion => (!a.major_public_opinion_within_3y, if a.major_public_opinion_within_3y { "发生" } else { "未发生" }.into(), "近三年未发生重大涉税舆情".into()),
            Condition::SoftwareRight => (a.has_software_right, if a.has_software_right { "具有" } else { "不具有" }.into(), "具有软件著作权、使用权或相关授权".into()),
        }
    }
}

impl ProvinceRules {
    /// 基础信息核验. With `use_units` None (step 【下一步】), conditions that count
    /// pre-invited use units and fail on the unit alone are `NeedsUseUnits`;
    /// with the pre-invited units' figures (on 【提交】) everything is decided.
    pub fn evaluate(&self, a: &Applicant, use_units: Option<&[UnitFigures]>) -> Vec<CheckLine> {
        let total = use_units.map(|us| us.iter().fold(a.figures.clone(), |acc, u| acc.plus(u)));
        self.rules
            .iter()
            .filter_map(|rule| {
                let condition = match &rule.relaxed {
                    Some(r) if a.categories.iter().any(|c| r.for_categories.contains(c)) => r.condition.as_ref()?,
                    _ => &rule.condition,
                };
                let figures = match (&total, condition.uses_use_units()) {
                    (Some(t), true) => t,
                    _ => &a.figures,
                };
                let (met, unit_value, threshold) = condition.check(a, figures);
                let outcome = match (met, condition.uses_use_units(), use_units.is_some()) {
                    (true, _, _) => CheckOutcome::Pass,
                    (false, true, false) => CheckOutcome::NeedsUseUnits,
                    (false, _, _) => CheckOutcome::Fail,
                };
                Some(CheckLine { rule_id: rule.id.clone(), label: rule.label.clone(), unit_value, threshold, outcome })
            })
            .collect()
    }
}

impl ProvinceRules {
    /// 接入备案 of a 联用类 use unit: every requirement line, and whether all passed.
    pub fn filing(&self, a: &Applicant) -> (crate::invitation::rules::Filing, Vec<CheckLine>) {
        let probe = ProvinceRules { rules: self.use_unit_filing.clone(), use_unit_filing: vec![], use_unit_conditions: vec![], ..self.clone() };
        let lines = probe.evaluate(a, Some(&[]));
        (crate::access::rules::filing_outcome(&lines), lines)
    }
}

impl ProvinceRules {
    /// The use-unit conditions of a 自用类 invitation (`use_unit_conditions`), on the
    /// use unit's registry data and the declared relationship: every line, and whether all passed.
    pub fn self_use_unit_check(&self, a: &Applicant, relationship: crate::invitation::rules::Relationship) -> (bool, Vec<CheckLine>) {
        let probe = ProvinceRules { rules: self.use_unit_conditions.clone(), use_unit_filing: vec![], use_unit_conditions: vec![], ..self.clone() };
        let a = Applicant { relationship: Some(relationship), ..a.clone() };
        let lines = probe.evaluate(&a, Some(&[]));
        (lines.iter().all(|l| l.outcome == CheckOutcome::Pass), lines)
    }

    /// The term's last day for a confirmation at `at`, as this province reads it.
    pub fn qualification_end(&self, at: Timestamp) -> String {
        self.qualification_term.end(at)
    }
}

/// Blocks the application when any line failed.
pub fn failed(lines: &[CheckLine]) -> Vec<&CheckLine> {
    lines.iter().filter(|l| l.outcome == CheckOutcome::Fail).collect()
}

/// Some(the first moment it may apply again) while a re-application ban runs: derived
/// from the unit's latest exit record (`lifecycle::ExitRecord`: 1 year after 主动退出,
/// 3 years after 责令退出, as the province configures).
pub fn reapplication_ban(rules: &ProvinceRules, exit: Option<&crate::kernel::ExitRecord>, now: Timestamp) -> Option<Timestamp> {
    let today = crate::kernel::Day::of(now);
    exit?.banned_on(today, rules.reapply_after_voluntary_exit_years, rules.reapply_after_ordered_exit_years).map(|d| d.start())
}

/// The application's status (manual §3.3.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ApplicationStatus {
    /// 草稿 (saved, not submitted)
    Draft,
    /// 待受理
    PendingAcceptance,
    /// 不予受理
    NotAccepted { reason: String },
    /// 待复核
    PendingReview,
    /// 复核不通过
    ReviewRejected { reason: String },
    /// 待确认
    PendingConfirmation,
    /// 确认通过
    Confirmed,
    /// 确认不通过
    ConfirmationRejected { reason: String },
}

impl ApplicationStatus {
    pub fn label(&self) -> &'static str {
        match self {
            ApplicationStatus::Draft => "草稿",
            ApplicationStatus::PendingAcceptance => "待受理",
            ApplicationStatus::NotAccepted { .. } => "不予受理",
            ApplicationStatus::PendingReview => "待复核",
            ApplicationStatus::ReviewRejected { .. } => "复核不通过",
            ApplicationStatus::PendingConfirmation => "待确认",
            ApplicationStatus::Confirmed => "确认通过",
            ApplicationStatus::ConfirmationRejected { .. } => "确认不通过",
        }
    }

    /// Stable code for storage and queue filters.
    pub fn code(&self) -> &'static str {
        match self {
            ApplicationStatus::Draft => "draft",
            ApplicationStatus::PendingAcceptance => "pending_acceptance",
            ApplicationStatus::NotAccepted { .. } => "not_accepted",
            ApplicationStatus::PendingReview => "pending_review",
            ApplicationStatus::ReviewRejected { .. } => "review_rejected",
            ApplicationStatus::PendingConfirmation => "pending_confirmation",
            ApplicationStatus::Confirmed => "confirmed",
            ApplicationStatus::ConfirmationRejected { .. } => "confirmation_rejected",
        }
    }

    pub fn reason(&self) -> Option<&str> {
        match self {
            ApplicationStatus::NotAccepted { reason } | ApplicationStatus::ReviewRejected { reason } | ApplicationStatus::ConfirmationRejected { reason } => Some(reason),
            _ => None,
        }
    }

    /// After any of the three refusals the applicant can 重新发起.
    pub fn may_reapply(&self) -> bool {
        self.reason().is_some()
    }

    /// Whether the unit has an active application (so 【我要申请】 is not offered).
    pub fn is_active(&self) -> bool {
        !self.may_reapply()
    }

    /// Who must act next.
    pub fn next_actor(&self) -> Option<&'static str> {
        match self {
            ApplicationStatus::Draft => Some("直连单位经办人（提交申请）"),
            ApplicationStatus::PendingAcceptance => Some("主管税务机关（受理）"),
            ApplicationStatus::PendingReview => Some("主管税务机关（复核）"),
            ApplicationStatus::PendingConfirmation => Some("省级税务机关（确认）"),
            s if s.may_reapply() => Some("直连单位经办人（可重新发起接入申请）"),
            _ => None,
        }
    }

    /// The officer role that decides in this status.
    pub fn deciding_role(&self) -> Option<OfficerRole> {
        match self {
            ApplicationStatus::PendingAcceptance => Some(OfficerRole::Acceptance),
            ApplicationStatus::PendingReview => Some(OfficerRole::Review),
            ApplicationStatus::PendingConfirmation => Some(OfficerRole::Confirmation),
            _ => None,
        }
    }
}

/// A tax officer's decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Decision {
    /// 受理 / 复核通过 / 确认通过
    Approve,
    /// 不予受理 / 复核不通过 / 确认不通过, with the reason
    Refuse { reason: String },
}

/// The officer deciding, and where they sit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecidingOfficer {
    pub role: OfficerRole,
    pub tax_office_id: Option<i64>,
    pub province_code: String,
}


/// Where the application sits: the applicant's 主管税务机关 and province.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Jurisdiction {
    pub tax_office_id: i64,
    pub province_code: String,
}

/// 提交: a draft (or a refused application re-launched as a new draft) goes to 待受理.
pub fn submit(status: &ApplicationStatus) -> Result<ApplicationStatus, TransitionError> {
    match status {
        ApplicationStatus::Draft => Ok(ApplicationStatus::PendingAcceptance),
        other => Err(TransitionError::WrongStatus(other.label().into())),
    }
}

/// An officer's decision, checked against the status, the role and the jurisdiction.
pub fn decide(status: &ApplicationStatus, decision: &Decision, officer: &DecidingOfficer, at: &Jurisdiction) -> Result<ApplicationStatus, TransitionError> {
    let role = status.deciding_role().ok_or_else(|| TransitionError::WrongStatus(status.label().into()))?;
    if officer.role != role {
        return Err(TransitionError::WrongRole);
    }
    let mine = if role.is_provincial() { officer.province_code == at.province_code } else { officer.tax_office_id == Some(at.tax_office_id) };
    if !mine {
        return Err(TransitionError::NotYourUnit);
    }
    let reason = match decision {
        Decision::Approve => None,
        Decision::Refuse { reason } => {
            let r = reason.trim();
            if r.is_empty() {
                return Err(TransitionError::ReasonRequired);
            }
            Some(r.to_string())
        }
    };
    Ok(match (role, reason) {
        (OfficerRole::Acceptance, None) => ApplicationStatus::PendingReview,
        (OfficerRole::Acceptance, Some(reason)) => ApplicationStatus::NotAccepted { reason },
        (OfficerRole::Review, None) => ApplicationStatus::PendingConfirmation,
        (OfficerRole::Review, Some(reason)) => ApplicationStatus::ReviewRejected { reason },
        (OfficerRole::Confirmation, None) => ApplicationStatus::Confirmed,
        (OfficerRole::Confirmation, Some(reason)) => ApplicationStatus::ConfirmationRejected { reason },
    })
}

/// An officer's step on an access application; the server sends these (never
/// their labels) and pages match on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AccessAction {
    /// 受理
    Accept,
    /// 不予受理 (reason required)
    NotAccept,
    /// 复核通过
    ReviewPass,
    /// 复核不通过 (reason required)
    ReviewReject,
    /// 确认通过
    ConfirmPass,
    /// 确认不通过 (reason required)
    ConfirmReject,
}

impl AccessAction {
    pub fn label(self) -> &'static str {
        match self {
            AccessAction::Accept => "受理",
            AccessAction::NotAccept => "不予受理",
            AccessAction::ReviewPass => "复核通过",
            AccessAction::ReviewReject => "复核不通过",
            AccessAction::ConfirmPass => "确认通过",
            AccessAction::ConfirmReject => "确认不通过",
        }
    }

    /// The desk that takes it and the decision it is.
    pub fn decision(self, reason: &str) -> (OfficerRole, Decision) {
        let refuse = || Decision::Refuse { reason: reason.to_string() };
        match self {
            AccessAction::Accept => (OfficerRole::Acceptance, Decision::Approve),
            AccessAction::NotAccept => (OfficerRole::Acceptance, refuse()),
            AccessAction::ReviewPass => (OfficerRole::Review, Decision::Approve),
            AccessAction::ReviewReject => (OfficerRole::Review, refuse()),
            AccessAction::ConfirmPass => (OfficerRole::Confirmation, Decision::Approve),
            AccessAction::ConfirmReject => (OfficerRole::Confirmation, refuse()),
        }
    }

    /// A refusal: needs a reason.
    pub fn needs_reason(self) -> bool {
        matches!(self, AccessAction::NotAccept | AccessAction::ReviewReject | AccessAction::ConfirmReject)
    }
}

/// The two decisions of a desk: (approve, refuse).
pub fn desk_actions(role: OfficerRole) -> [AccessAction; 2] {
    match role {
        OfficerRole::Acceptance => [AccessAction::Accept, AccessAction::NotAccept],
        OfficerRole::Review => [AccessAction::ReviewPass, AccessAction::ReviewReject],
        OfficerRole::Confirmation => [AccessAction::ConfirmPass, AccessAction::ConfirmReject],
    }
}

/// What an officer of `role` may do to an application in `status` that sits
/// in their jurisdiction (the applicant's steps — 保存草稿, 提交, 重新发起 —
/// carry the form and have their own server fns).
pub fn actions_for(status: &ApplicationStatus, role: OfficerRole) -> Vec<AccessAction> {
    if status.deciding_role() == Some(role) { desk_actions(role).to_vec() } else { vec![] }
}

/// An officer's action: the action must be this status's desk (else the page
/// is stale: `WrongStatus`), then `decide`.
pub fn apply(status: &ApplicationStatus, action: AccessAction, reason: &str, officer: &DecidingOfficer, at: &Jurisdiction) -> Result<ApplicationStatus, TransitionError> {
    let (desk, decision) = action.decision(reason);
    if status.deciding_role() != Some(desk) {
        return Err(TransitionError::WrongStatus(status.label().into()));
    }
    decide(status, &decision, officer, at)
}

/// The qualification term after 确认通过 under the default reading (see `TermReading`;
/// provinces choose theirs in `qualification_term`). Returns "YYYY-MM-DD".
pub fn qualification_end(confirmed_at: Timestamp) -> String {
    TermReading::default().end(confirmed_at)
}

/// 接入备案 outcome of the stored lines.
pub fn filing_outcome(lines: &[CheckLine]) -> crate::invitation::rules::Filing {
    use crate::invitation::rules::Filing;
    if lines.iter().all(|l| l.outcome == CheckOutcome::Pass) { Filing::Passed } else { Filing::Failed }
}

/// Whether the application sits in this officer's office (受理/复核) or province (确认).
pub fn in_jurisdiction(o: &crate::kernel::OfficerSession, tax_office_id: i64, province_code: &str) -> bool {
    if o.role.is_provincial() {
        o.province_code == province_code
    } else {
        o.tax_office_id == Some(tax_office_id)
    }
}

/// Whether an officer may see an application (and its materials): in jurisdiction, never a draft.
pub fn officer_may_see(o: &crate::kernel::OfficerSession, tax_office_id: i64, province_code: &str, status: &ApplicationStatus) -> bool {
    in_jurisdiction(o, tax_office_id, province_code) && *status != ApplicationStatus::Draft
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(t: AccessType) -> Vec<u8> {
        qualification_items(t).into_iter().map(|i| i.no).collect()
    }

    #[test]
    fn form_items_follow_the_filling_instructions() {
        assert_eq!(items(AccessType::SelfUse), [1, 2, 3, 4, 5, 6, 12]);
        assert_eq!(items(AccessType::OtherUse), [2, 5, 6, 7, 8, 9, 10, 11, 12]);
        assert_eq!(items(AccessType::Joint), (1..=12).collect::<Vec<_>>());
        assert_eq!(qualification_items(AccessType::Joint)[0].hint.as_deref(), Some("仅填写使用自用服务的单位数"));
        assert!(qualification_items(AccessType::SelfUse)[0].hint.is_none());
        assert!(AccessType::SelfUse.fills_authorized_unit());
        assert!(!AccessType::OtherUse.fills_authorized_unit() && !AccessType::Joint.fills_authorized_unit());
    }

    fn officer(role: OfficerRole, office: Option<i64>, province: &str) -> DecidingOfficer {
        DecidingOfficer { role, tax_office_id: office, province_code: province.into() }
    }

    const HERE: Jurisdiction = Jurisdiction { tax_office_id: 1, province_code: String::new() };

    fn here() -> Jurisdiction {
        Jurisdiction { province_code: "51".into(), ..HERE }
    }

    #[test]
    fn actions_are_the_deciding_desks_and_a_stale_one_is_refused() {
        assert_eq!(actions_for(&ApplicationStatus::PendingAcceptance, OfficerRole::Acceptance), [AccessAction::Accept, AccessAction::NotAccept]);
        assert!(actions_for(&ApplicationStatus::PendingAcceptance, OfficerRole::Review).is_empty());
        assert!(actions_for(&ApplicationStatus::Draft, OfficerRole::Acceptance).is_empty());
        assert_eq!(actions_for(&ApplicationStatus::PendingConfirmation, OfficerRole::Confirmation)[1].label(), "确认不通过");
        let o = officer(OfficerRole::Acceptance, Some(1), "51");
        assert_eq!(apply(&ApplicationStatus::PendingAcceptance, AccessAction::Accept, "", &o, &here()), Ok(ApplicationStatus::PendingReview));
        assert_eq!(apply(&ApplicationStatus::PendingReview, AccessAction::Accept, "", &o, &here()), Err(TransitionError::WrongStatus("待复核".into())));
        assert_eq!(apply(&ApplicationStatus::PendingAcceptance, AccessAction::NotAccept, " ", &o, &here()), Err(TransitionError::ReasonRequired));
        assert!(AccessAction::ReviewReject.needs_reason() && !AccessAction::ReviewPass.needs_reason());
    }

    #[test]
    fn the_happy_path_goes_through_three_desks() {
        let s = submit(&ApplicationStatus::Draft).unwrap();
        assert_eq!(s, ApplicationStatus::PendingAcceptance);
        let s = decide(&s, &Decision::Approve, &officer(OfficerRole::Acceptance, Some(1), "51"), &here()).unwrap();
        assert_eq!(s.label(), "待复核");
        let s = decide(&s, &Decision::Approve, &officer(OfficerRole::Review, Some(1), "51"), &here()).unwrap();
        assert_eq!(s.label(), "待确认");
        let s = decide(&s, &Decision::Approve, &officer(OfficerRole::Confirmation, None, "51"), &here()).unwrap();
        assert_eq!(s, ApplicationStatus::Confirmed);
        assert!(!s.may_reapply() && s.is_active() && s.next_actor().is_none());
    }

    #[test]
    fn each_refusal_needs_a_reason_and_allows_reapplying() {
        let refuse = Decision::Refuse { reason: "材料不全".into() };
        let s = decide(&ApplicationStatus::PendingAcceptance, &refuse, &officer(OfficerRole::Acceptance, Some(1), "51"), &here()).unwrap();
        assert_eq!(s, ApplicationStatus::NotAccepted { reason: "材料不全".into() });
        assert!(s.may_reapply() && !s.is_active());
        let s = decide(&ApplicationStatus::PendingReview, &refuse, &officer(OfficerRole::Review, Some(1), "51"), &here()).unwrap();
        assert_eq!(s.label(), "复核不通过");
        let s = decide(&ApplicationStatus::PendingConfirmation, &refuse, &officer(OfficerRole::Confirmation, None, "51"), &here()).unwrap();
        assert_eq!((s.label(), s.reason()), ("确认不通过", Some("材料不全")));
        let blank = Decision::Refuse { reason: "  ".into() };
        assert_eq!(decide(&ApplicationStatus::PendingAcceptance, &blank, &officer(OfficerRole::Acceptance, Some(1), "51"), &here()), Err(TransitionError::ReasonRequired));
    }

    #[test]
    fn only_the_right_desk_of_the_right_office_decides() {
        let approve = Decision::Approve;
        assert_eq!(decide(&ApplicationStatus::PendingAcceptance, &approve, &officer(OfficerRole::Review, Some(1), "51"), &here()), Err(TransitionError::WrongRole));
        assert_eq!(decide(&ApplicationStatus::PendingAcceptance, &approve, &officer(OfficerRole::Acceptance, Some(2), "51"), &here()), Err(TransitionError::NotYourUnit));
        assert_eq!(decide(&ApplicationStatus::PendingConfirmation, &approve, &officer(OfficerRole::Confirmation, None, "15"), &here()), Err(TransitionError::NotYourUnit));
        assert!(matches!(decide(&ApplicationStatus::Confirmed, &approve, &officer(OfficerRole::Confirmation, None, "51"), &here()), Err(TransitionError::WrongStatus(_))));
        assert!(matches!(submit(&ApplicationStatus::PendingReview), Err(TransitionError::WrongStatus(_))));
    }

    #[test]
    fn the_term_runs_two_natural_years() {
        // 2026-11-24 10:00 Beijing
        let nov = Timestamp(1_795_485_600_000);
        assert_eq!(qualification_end(nov), "2028-12-31", "default: two whole natural years after the confirmation year");
        assert_eq!(TermReading::ConfirmationYearAndNext.end(nov), "2027-12-31");
        assert_eq!(TermReading::TwentyFourMonths.end(nov), "2028-11-23");
        // 2026-12-31 23:00 Beijing (15:00 UTC): a December confirmation no longer gets only one day of its first year.
        let dec = Timestamp(1_798_729_200_000);
        assert_eq!(&dec.beijing_time()[..10], "2026-12-31");
        assert_eq!(TermReading::TwoWholeYearsAfter.end(dec), "2028-12-31");
        assert_eq!(TermReading::ConfirmationYearAndNext.end(dec), "2027-12-31");
        assert_eq!(TermReading::TwentyFourMonths.end(dec), "2028-12-30");
        // 1 March 2027 → the day before 1 March 2029 is 28 February.
        let mar = Timestamp(1_803_830_400_000);
        assert_eq!(&mar.beijing_time()[..10], "2027-03-01");
        assert_eq!(TermReading::TwentyFourMonths.end(mar), "2029-02-28");
    }
}

#[cfg(test)]
mod province_rule_tests {
    use super::*;

    fn rules(code: &str) -> ProvinceRules {
        let text = match code {
            "51" => include_str!("../../../rules/province-51.json"),
            "15" => include_str!("../../../rules/province-15.json"),
            _ => unreachable!(),
        };
        serde_json::from_str(text).expect("province rules parse")
    }

    #[test]
    fn use_unit_filing_at_the_credit_grade_boundary() {
        use crate::invitation::rules::Filing;
        let sc = rules("51");
        let mut a = good();
        a.credit_grade = Some(CreditGrade::M);
        assert_eq!(sc.filing(&a).0, Filing::Passed);
        a.credit_grade = Some(CreditGrade::C);
        let (f, lines) = sc.filing(&a);
        assert_eq!(f, Filing::Failed);
        assert_eq!(lines.iter().filter(|l| l.outcome != CheckOutcome::Pass).map(|l| l.rule_id.as_str()).collect::<Vec<_>>(), ["credit"]);
        a.credit_grade = Some(CreditGrade::B);
        a.digital_invoice_pilot = false;
        assert_eq!(sc.filing(&a).0, Filing::Failed);
        // 内蒙古 asks only for the grade
        assert_eq!(rules("15").filing(&a).0, Filing::Passed);
        assert_eq!(sc.verification_periods.iter().map(|p| p.label.as_str()).collect::<Vec<_>>(), ["1天", "7天", "30天"]);
    }

    /// An applicant that meets everything comfortably.
    fn good() -> Applicant {
        Applicant {
            digital_invoice_pilot: true,
            credit_grade: Some(CreditGrade::A),
            figures: UnitFigures { revenue_last_year: Amount::from_wan_yuan(90_000).unwrap(), invoices_12m: 900_000, invoiced_amount_12m: Amount::from_wan_yuan(90_000).unwrap() },
            major_violation_within_3y: false,
            major_public_opinion_within_3y: false,
            has_software_right: true,
            categories: vec![],
            relationship: None,
        }
    }

    fn outcome(r: &ProvinceRules, a: &Applicant, id: &str, use_units: Option<&[UnitFigures]>) -> CheckOutcome {
        r.evaluate(a, use_units).into_iter().find(|l| l.rule_id == id).unwrap_or_else(|| panic!("{id}")).outcome
    }

    fn yuan(wan: u64, fen_delta: i64) -> Amount {
        Amount::from_fen(Amount::from_wan_yuan(wan).unwrap().fen() + fen_delta).unwrap()
    }

    #[test]
    fn both_provinces_pass_a_good_applicant() {
        for p in ["51", "15"] {
            assert!(rules(p).evaluate(&good(), Some(&[])).iter().all(|l| l.outcome == CheckOutcome::Pass), "{p}");
        }
    }

    #[test]
    fn sichuan_revenue_5000_wan_at_below_above_and_with_use_units() {
        let r = rules("51");
        for (delta, expect) in [(-1, CheckOutcome::Fail), (0, CheckOutcome::Pass), (1, CheckOutcome::Pass)] {
            let mut a = good();
            a.figures.revenue_last_year = yuan(5000, delta);
            assert_eq!(outcome(&r, &a, "revenue", Some(&[])), expect, "delta {delta} fen");
        }
        // Below alone, but the pre-invited use units make up the difference.
        let mut a = good();
        a.figures.revenue_last_year = yuan(4000, 0);
        assert_eq!(outcome(&r, &a, "revenue", None), CheckOutcome::NeedsUseUnits);
        let use_unit = UnitFigures { revenue_last_year: yuan(1000, 0), ..Default::default() };
        assert_eq!(outcome(&r, &a, "revenue", Some(&[use_unit.clone()])), CheckOutcome::Pass);
        let short = UnitFigures { revenue_last_year: yuan(1000, -1), ..Default::default() };
        assert_eq!(outcome(&r, &a, "revenue", Some(&[short])), CheckOutcome::Fail);
        let line = r.evaluate(&a, Some(&[])).into_iter().find(|l| l.rule_id == "revenue").unwrap();
        assert_eq!((line.unit_value.as_str(), line.threshold.as_str()), ("4000万元", "≥5000万元"));
    }

    #[test]
    fn sichuan_invoices_50000_at_below_above() {
        let r = rules("51");
        for (n, expect) in [(49_999, CheckOutcome::Fail), (50_000, CheckOutcome::Pass), (50_001, CheckOutcome::Pass)] {
            let mut a = good();
            a.figures.invoices_12m = n;
            assert_eq!(outcome(&r, &a, "invoices", Some(&[])), expect, "{n}");
        }
        let mut a = good();
        a.figures.invoices_12m = 30_000;
        assert_eq!(outcome(&r, &a, "invoices", Some(&[UnitFigures { invoices_12m: 20_000, ..Default::default() }])), CheckOutcome::Pass);
    }

    #[test]
    fn sichuan_pilot_credit_and_violation() {
        let r = rules("51");
        let mut a = good();
        a.digital_invoice_pilot = false;
        assert_eq!(outcome(&r, &a, "pilot", None), CheckOutcome::Fail);
        for (g, expect) in [(Some(CreditGrade::A), CheckOutcome::Pass), (Some(CreditGrade::B), CheckOutcome::Pass), (Some(CreditGrade::M), CheckOutcome::Fail), (Some(CreditGrade::C), CheckOutcome::Fail), (None, CheckOutcome::Fail)] {
            let mut a = good();
            a.credit_grade = g;
            assert_eq!(outcome(&r, &a, "credit", None), expect, "{g:?}");
        }
        let mut a = good();
        a.major_violation_within_3y = true;
        assert_eq!(outcome(&r, &a, "violation", None), CheckOutcome::Fail);
    }

    #[test]
    fn neimenggu_invoices_10000_or_amount_1_yi() {
        let r = rules("15");
        let cases = [
            (9_999, yuan(10_000, -1), CheckOutcome::Fail),
            (10_000, yuan(0, 0), CheckOutcome::Pass),
            (10_001, yuan(0, 0), CheckOutcome::Pass),
            (0, yuan(10_000, 0), CheckOutcome::Pass),
            (0, yuan(10_000, 1), CheckOutcome::Pass),
            (0, yuan(10_000, -1), CheckOutcome::Fail),
        ];
        for (n, amount, expect) in cases {
            let mut a = good();
            a.figures.invoices_12m = n;
            a.figures.invoiced_amount_12m = amount;
            assert_eq!(outcome(&r, &a, "invoices", Some(&[])), expect, "{n} {amount}");
        }
    }

    #[test]
    fn neimenggu_revenue_threshold_and_relaxation() {
        let r = rules("15");
        for (delta, expect) in [(-1, CheckOutcome::Fail), (0, CheckOutcome::Pass), (1, CheckOutcome::Pass)] {
            let mut a = good();
            a.figures.revenue_last_year = yuan(5000, delta);
            assert_eq!(outcome(&r, &a, "revenue", Some(&[])), expect);
        }
        // A hospital (民生保障) gets the relaxed threshold and no invoice condition.
        let mut a = good();
        a.categories = vec![UnitCategory::PeopleLivelihood];
        a.figures = UnitFigures { revenue_last_year: yuan(2000, 0), invoices_12m: 0, invoiced_amount_12m: Amount::ZERO };
        let lines = r.evaluate(&a, Some(&[]));
        assert_eq!(lines.iter().find(|l| l.rule_id == "revenue").unwrap().outcome, CheckOutcome::Pass);
        assert!(lines.iter().all(|l| l.rule_id != "invoices"), "not applied to relaxed units");
        a.figures.revenue_last_year = yuan(2000, -1);
        assert_eq!(outcome(&r, &a, "revenue", Some(&[])), CheckOutcome::Fail);
    }

    #[test]
    fn neimenggu_credit_violation_opinion_and_software() {
        let r = rules("15");
        let mut a = good();
        a.credit_grade = Some(CreditGrade::M);
        assert_eq!(outcome(&r, &a, "credit", None), CheckOutcome::Fail);
        let mut a = good();
        a.major_public_opinion_within_3y = true;
        assert_eq!(outcome(&r, &a, "opinion", None), CheckOutcome::Fail);
        let mut a = good();
        a.has_software_right = false;
        assert_eq!(outcome(&r, &a, "software", None), CheckOutcome::Fail);
        let mut a = good();
        a.major_violation_within_3y = true;
        assert_eq!(failed(&r.evaluate(&a, None)).len(), 1);
    }

    #[test]
    fn each_province_lists_its_materials() {
        use crate::materials::rules::MaterialKind::*;
        let required = |p: &str, auth: bool| rules(p).materials.slots(auth).into_iter().filter(|s| s.required).map(|s| s.kind).collect::<Vec<_>>();
        assert_eq!(required("51", false), [AccessInfoForm, ServiceAgreement, SoftwareRight, ProjectReport, NetworkFiling]);
        assert_eq!(required("51", true), [AccessInfoForm, ServiceAgreement, SoftwareRight, ProjectReport, NetworkFiling, PowerOfAttorney]);
        assert_eq!(required("15", false), [AccessInfoForm, Commitment, ProjectReport, NetworkFiling, FixedIpProof, SoftwareRight]);
        assert!(required("15", true).contains(&PowerOfAttorney));
        // Rules stored before materials existed still load, with the national list.
        let mut old: serde_json::Value = serde_json::from_str(include_str!("../../../rules/province-51.json")).unwrap();
        old.as_object_mut().unwrap().remove("materials");
        let old: ProvinceRules = serde_json::from_value(old).unwrap();
        assert_eq!(old.materials, crate::materials::rules::MaterialRules::default());
    }

    #[test]
    fn unrated_use_unit_passes_the_credit_grade_in_neimenggu() {
        use crate::invitation::rules::{Filing, Relationship};
        let nm = rules("15");
        let mut a = good();
        a.credit_grade = None;
        // 联用类 接入备案 and 自用类 use-unit conditions: an unrated unit passes, and the line says why.
        let (filing, lines) = nm.filing(&a);
        assert_eq!(filing, Filing::Passed);
        assert!(lines[0].unit_value.contains("不参与纳税信用级别评价"), "{:?}", lines[0]);
        let (ok, lines) = nm.self_use_unit_check(&a, Relationship::HeadBranch);
        assert!(ok, "{lines:?}");
        let credit = lines.iter().find(|l| l.rule_id == "credit").unwrap();
        assert_eq!((credit.outcome, credit.threshold.as_str()), (CheckOutcome::Pass, "A、B、M级（不参与纳税信用级别评价的除外）"));
        // A graded unit outside A/B/M still fails.
        a.credit_grade = Some(CreditGrade::C);
        assert!(!nm.self_use_unit_check(&a, Relationship::HeadBranch).0);
        // 四川 states no such exception (ch. 2 二(一)3): unrated fails there.
        a.credit_grade = None;
        assert_eq!(rules("51").filing(&a).0, Filing::Failed);
        // Direct units (A/B) have no exception in either province.
        assert_eq!(outcome(&nm, &a, "credit", None), CheckOutcome::Fail);
    }

    #[test]
    fn self_use_units_meet_the_province_use_unit_conditions() {
        use crate::invitation::rules::Relationship;
        let (sc, nm) = (rules("51"), rules("15"));
        let ids = |r: &ProvinceRules| r.use_unit_conditions.iter().map(|r| r.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&sc), ["pilot", "related", "credit", "violation"]);
        assert_eq!(ids(&nm), ["related", "credit"]);
        assert!(sc.self_use_unit_check(&good(), Relationship::ParentSubsidiary).0);
        let failing = |r: &ProvinceRules, a: &Applicant| r.self_use_unit_check(a, Relationship::OtherControl).1.into_iter().filter(|l| l.outcome != CheckOutcome::Pass).map(|l| l.rule_id).collect::<Vec<_>>();
        let mut a = good();
        a.digital_invoice_pilot = false;
        assert_eq!(failing(&sc, &a), ["pilot"]);
        assert!(failing(&nm, &a).is_empty(), "内蒙古 does not ask for the pilot");
        let mut a = good();
        a.major_violation_within_3y = true;
        assert_eq!(failing(&sc, &a), ["violation"]);
        let mut a = good();
        a.credit_grade = Some(CreditGrade::M);
        assert!(failing(&sc, &a).is_empty() && failing(&nm, &a).is_empty(), "M passes for use units");
        a.credit_grade = Some(CreditGrade::D);
        assert_eq!(failing(&sc, &a), ["credit"]);
        // A third party is not a related unit.
        let (ok, lines) = nm.self_use_unit_check(&good(), Relationship::NoControl);
        assert!(!ok && lines[0].rule_id == "related" && lines[0].unit_value == "不具有控制关系");
    }

    #[test]
    fn neimenggu_ordered_exit_requires_rectification_report() {
        use crate::materials::rules::{MaterialCase, MaterialKind::*};
        let nm = rules("15");
        let normal = MaterialCase::default();
        let ordered = MaterialCase { ordered_exit_before: true, ..normal };
        let all = [AccessInfoForm, Commitment, ProjectReport, NetworkFiling, FixedIpProof, SoftwareRight];
        assert!(nm.materials.missing_for(normal, &all).is_empty(), "not required without an ordered exit");
        assert_eq!(nm.materials.missing_for(ordered, &all), [RectificationReport, PreventionMechanism]);
        let mut full = all.to_vec();
        full.extend([RectificationReport, PreventionMechanism]);
        assert!(nm.materials.missing_for(ordered, &full).is_empty());
        // Still offered (optional) in the normal case.
        assert!(nm.materials.slots_for(normal).iter().any(|s| s.kind == RectificationReport && !s.required));
        // 四川's guideline states no such material.
        assert!(rules("51").materials.when_reapplying_after_ordered_exit.is_empty());
    }

    #[test]
    fn term_reading_is_a_province_setting() {
        let nov = Timestamp(1_795_485_600_000);
        for p in ["51", "15"] {
            assert_eq!(rules(p).qualification_term, TermReading::TwoWholeYearsAfter, "{p}");
            assert_eq!(rules(p).qualification_end(nov), "2028-12-31");
        }
        let mut v: serde_json::Value = serde_json::from_str(include_str!("../../../rules/province-51.json")).unwrap();
        v["qualification_term"] = "confirmation_year_and_next".into();
        let r: ProvinceRules = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(r.qualification_end(nov), "2027-12-31");
        v.as_object_mut().unwrap().remove("qualification_term");
        let r: ProvinceRules = serde_json::from_value(v).unwrap();
        assert_eq!(r.qualification_term, TermReading::default(), "absent: the default reading");
    }

    #[test]
    fn reapplication_bans_one_and_three_years() {
        use crate::kernel::{Day, ExitKind, ExitRecord};
        let r = rules("15");
        let left = Day::parse("2024-03-01").unwrap().start();
        let at = |s: &str| Day::parse(s).unwrap().start();
        let vol = ExitRecord { kind: ExitKind::Voluntary, filed_at: left, effective_at: left };
        assert_eq!(reapplication_ban(&r, Some(&vol), at("2025-02-28")), Some(at("2025-03-01")));
        assert!(reapplication_ban(&r, Some(&vol), at("2025-03-01")).is_none());
        let ordered = ExitRecord { kind: ExitKind::Ordered, ..vol };
        assert!(reapplication_ban(&r, Some(&ordered), at("2027-02-28")).is_some());
        assert!(reapplication_ban(&r, Some(&ordered), at("2027-03-01")).is_none());
        assert!(reapplication_ban(&r, None, left).is_none());
        // 四川's guideline states no bans: the same 1 and 3 years are configuration there (not in the seeds).
        let sc = rules("51");
        assert_eq!((sc.reapply_after_voluntary_exit_years, sc.reapply_after_ordered_exit_years), (1, 3));
    }
}
