//! 接入申请单 (the 接入信息表 as entered) and its parsed form: `ValidForm::parse`
//! checks every field and says what is wrong next to each. Drafts keep the raw
//! `AccessForm`; only 【提交】 needs a `ValidForm`. (The check that a use unit's
//! name matches the registry needs storage and stays in the service.)

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::access::rules::qualification_items;
use crate::kernel::AccessType;
use crate::kernel::{ips, CreditCode, Ipv4, MobilePhone};

/// A pre-invited use unit (预邀请名单), as entered.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PreInvite {
    pub credit_code: String,
    pub name: String,
    pub relationship: String,
}

/// 接入申请单, as entered (drafts may be incomplete; 提交 parses it into a `ValidForm`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AccessForm {
    pub access_type: Option<AccessType>,
    /// 是否政府服务机构或由民政部门等登记管理机关核准成立的行业协会
    pub gov_or_association: bool,
    pub contact: String,
    pub phone: String,
    pub email: String,
    pub address: String,
    /// 相关资质信息 by item number (1–12), only the items shown for the access type.
    pub qualifications: BTreeMap<u8, String>,
    pub use_units: Vec<PreInvite>,
    pub system_name: String,
    /// Built by an authorized unit (被授权单位) rather than self-built.
    pub built_by_authorized: bool,
    pub builder_code: String,
    pub builder_name: String,
    pub deployment: String,
    pub test_ips: String,
    pub production_ips: String,
    pub protocol: String,
    pub port: String,
    /// "short" (一年及以内) or "long" (一年以上)
    pub period: String,
}

/// The relationships a pre-invited use unit may have.
pub const RELATIONSHIPS: [&str; 5] = ["总分公司关系", "母子公司关系", "其他控制关系", "同一监管部门", "不具有控制关系"];

/// 自用: the four control relationships (manual §3.4); 他用: none of them
/// (third parties); 联用: all five.
pub fn relationship_allowed(t: AccessType, r: &str) -> bool {
    match t {
        AccessType::SelfUse => RELATIONSHIPS[..4].contains(&r),
        AccessType::OtherUse => r == RELATIONSHIPS[4],
        AccessType::Joint => RELATIONSHIPS.contains(&r),
    }
}

/// A message for one field of the form (`use_units.0.name`, `q3`, …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormError {
    pub field: String,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    /// 一年及以内
    Short,
    /// 一年以上
    Long,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidUseUnit {
    pub credit_code: CreditCode,
    pub name: String,
    pub relationship: String,
}

/// The unit authorized to build the system (被授权单位).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Builder {
    pub credit_code: CreditCode,
    pub name: String,
}

/// A 接入申请单 whose every field is valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidForm {
    pub access_type: AccessType,
    pub gov_or_association: bool,
    pub contact: String,
    pub phone: String,
    pub email: String,
    pub address: String,
    /// Exactly the items of the access type, trimmed, none empty.
    pub qualifications: BTreeMap<u8, String>,
    pub use_units: Vec<ValidUseUnit>,
    pub system_name: String,
    pub builder: Option<Builder>,
    pub deployment: String,
    pub test_ips: Vec<Ipv4>,
    pub production_ips: Vec<Ipv4>,
    pub protocol: String,
    pub port: u16,
    pub period: Period,
}


/// A mobile number, or a landline with its area code (区号-电话号码).
fn contact_phone_ok(p: &str) -> bool {
    MobilePhone::parse(p).is_ok() || {
        let digits: String = p.chars().filter(|c| *c != '-').collect();
        p.starts_with('0') && digits.chars().all(|c| c.is_ascii_digit()) && (10..=12).contains(&digits.len())
    }
}

fn email_ok(email: &str) -> bool {
    email.contains('@') && !email.starts_with('@') && email.rsplit('@').next().is_some_and(|d| d.contains('.') && !d.starts_with('.') && !d.ends_with('.'))
}

impl ValidForm {
    /// Every field checked; every problem reported, each for its own field.
    pub fn parse(form: &AccessForm) -> Result<ValidForm, Vec<FormError>> {
        let mut errs: Vec<FormError> = Vec::new();
        let mut add = |field: &str, message: String| errs.push(FormError { field: field.to_string(), message });
        let Some(t) = form.access_type else {
            return Err(vec![FormError { field: "access_type".into(), message: "请选择接入类型".into() }]);
        };
        let contact = form.contact.trim().to_string();
        if contact.chars().count() < 2 {
            add("contact", "请填写联系人".into());
        }
        let phone = form.phone.trim().to_string();
        if !contact_phone_ok(&phone) {
            add("phone", "请填写正确的联系电话（手机号码或区号-电话号码）".into());
        }
        let email = form.email.trim().to_string();
        if !email_ok(&email) {
            add("email", "请填写正确的电子邮箱".into());
        }
        let address = form.address.trim().to_string();
        if address.is_empty() {
            add("address", "请填写单位地址".into());
        }
        let mut qualifications = BTreeMap::new();
        for item in qualification_items(t) {
            let v = form.qualifications.get(&item.no).map(|s| s.trim()).unwrap_or("");
            if v.is_empty() {
                add(&format!("q{}", item.no), format!("请填写第{}项：{}", item.no, item.label));
            } else if item.no == 1 && v.parse::<u32>().is_err() {
                add("q1", "使用单位户数应为整数".into());
            } else {
                qualifications.insert(item.no, v.to_string());
            }
        }
        let mut use_units = Vec::new();
        for (i, u) in form.use_units.iter().enumerate() {
            let code = CreditCode::parse(&u.credit_code).map_err(|e| add(&format!("use_units.{i}.credit_code"), e.to_string())).ok();
            let name = u.name.trim().to_string();
            if name.is_empty() {
                add(&format!("use_units.{i}.name"), "请填写单位名称".into());
            }
            let allowed = relationship_allowed(t, &u.relationship);
            if !allowed {
                add(&format!("use_units.{i}.relationship"), format!("{}不能邀请该关系的使用单位", t.label()));
            }
            if let (Some(credit_code), false, true) = (code, name.is_empty(), allowed) {
                use_units.push(ValidUseUnit { credit_code, name, relationship: u.relationship.clone() });
            }
        }
        let system_name = form.system_name.trim().to_string();
        if system_name.is_empty() {
            add("system_name", "请填写应用系统名称".into());
        }
        // 填表说明 1: 乐企他用 and 乐企联用 do not fill in the 被授权单位 at all.
        let has_builder_input = form.built_by_authorized || !form.builder_code.trim().is_empty() || !form.builder_name.trim().is_empty();
        if !t.fills_authorized_unit() && has_builder_input {
            add("built_by_authorized", format!("{}申请接入企业无需填写被授权单位相关信息，请清除被授权单位信息", t.label()));
        }
        let builder = if form.built_by_authorized && t.fills_authorized_unit() {
            let code = CreditCode::parse(&form.builder_code).map_err(|e| add("builder_code", e.to_string())).ok();
            let name = form.builder_name.trim().to_string();
            if name.is_empty() {
                add("builder_name", "请填写被授权单位名称".into());
            }
            code.filter(|_| !name.is_empty()).map(|credit_code| Builder { credit_code, name })
        } else {
            None
        };
        let deployment = form.deployment.trim().to_string();
        if deployment.is_empty() {
            add("deployment", "请填写部署地点".into());
        }
        let test_ips = ips(&form.test_ips).map_err(|e| add("test_ips", e)).unwrap_or_default();
        let production_ips = ips(&form.production_ips).map_err(|e| add("production_ips", e)).unwrap_or_default();
        let protocol = form.protocol.trim().to_string();
        if protocol.is_empty() {
            add("protocol", "请选择通信协议".into());
        }
        let port = form.port.trim().parse::<u16>().ok().filter(|p| *p > 0);
        if port.is_none() {
            add("port", "端口应为1至65535之间的整数".into());
        }
        let period = match form.period.as_str() {
            "short" => Some(Period::Short),
            "long" => Some(Period::Long),
            _ => {
                add("period", "请选择请求期限".into());
                None
            }
        };
        if !errs.is_empty() {
            return Err(errs);
        }
        Ok(ValidForm {
            access_type: t,
            gov_or_association: form.gov_or_association,
            contact,
            phone,
            email,
            address,
            qualifications,
            use_units,
            system_name,
            builder,
            deployment,
            test_ips,
            production_ips,
            protocol,
            port: port.unwrap_or_default(),
            period: period.unwrap_or(Period::Long),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn complete() -> AccessForm {
        AccessForm {
            access_type: Some(AccessType::Joint),
            contact: " 高远 ".into(),
            phone: "13908000020".into(),
            email: "it@tianfu-sm.example".into(),
            address: "成都市高新区天府大道100号".into(),
            qualifications: (1u8..=12).map(|n| (n, if n == 1 { "1".to_string() } else { format!("第{n}项") })).collect(),
            use_units: vec![PreInvite { credit_code: "91510100MA6CLQ014B".into(), name: "四川天府数字交通投资有限公司".into(), relationship: "同一监管部门".into() }],
            system_name: "天府数智发票管理系统".into(),
            deployment: "成都高新区数据中心".into(),
            test_ips: "10.1.2.3".into(),
            production_ips: "203.0.113.10，203.0.113.11".into(),
            protocol: "HTTPS".into(),
            port: "443".into(),
            period: "long".into(),
            ..Default::default()
        }
    }

    fn fields(e: Vec<FormError>) -> Vec<String> {
        e.into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn a_complete_form_parses_into_typed_values() {
        let v = ValidForm::parse(&complete()).unwrap();
        assert_eq!(v.contact, "高远", "trimmed");
        assert_eq!(v.production_ips.len(), 2, "full-width comma separates too");
        assert_eq!((v.port, v.period, v.builder.clone()), (443, Period::Long, None));
        assert_eq!(v.use_units[0].credit_code.as_str(), "91510100MA6CLQ014B");
        assert_eq!(v.qualifications.len(), 12);
        let mut landline = complete();
        landline.phone = "028-86001234".into();
        assert!(ValidForm::parse(&landline).is_ok());
    }

    #[test]
    fn an_empty_form_names_every_field() {
        let form = AccessForm { access_type: Some(AccessType::SelfUse), ..Default::default() };
        let f = fields(ValidForm::parse(&form).unwrap_err());
        for want in ["contact", "phone", "email", "address", "q1", "q2", "q5", "q6", "q12", "system_name", "deployment", "test_ips", "production_ips", "protocol", "port", "period"] {
            assert!(f.iter().any(|x| x == want), "{want} in {f:?}");
        }
        assert!(!f.iter().any(|x| x == "q7"), "自用 does not fill items 7–11");
        assert_eq!(fields(ValidForm::parse(&AccessForm::default()).unwrap_err()), ["access_type"]);
    }

    #[test]
    fn each_bad_value_gets_its_own_message() {
        let mut f = complete();
        f.email = "it@example.".into();
        f.test_ips = "10.1.2.999".into();
        f.port = "70000".into();
        f.qualifications.insert(1, "一户".into());
        f.use_units[0].credit_code = "91510100MA6CLQ014X".into();
        let e = ValidForm::parse(&f).unwrap_err();
        let msg = |field: &str| e.iter().find(|x| x.field == field).map(|x| x.message.clone()).unwrap_or_else(|| panic!("{field}: {e:?}"));
        assert_eq!(msg("email"), "请填写正确的电子邮箱");
        assert!(msg("test_ips").starts_with("10.1.2.999："));
        assert_eq!(msg("port"), "端口应为1至65535之间的整数");
        assert_eq!(msg("q1"), "使用单位户数应为整数");
        assert!(!msg("use_units.0.credit_code").is_empty());
        assert_eq!(e.len(), 5);
    }

    #[test]
    fn relationships_follow_the_access_type_and_builders_are_checked() {
        let mut f = complete();
        f.access_type = Some(AccessType::OtherUse);
        f.qualifications.retain(|n, _| ![1, 3, 4].contains(n));
        let e = ValidForm::parse(&f).unwrap_err();
        assert_eq!(e, [FormError { field: "use_units.0.relationship".into(), message: "乐企他用不能邀请该关系的使用单位".into() }]);
        f.use_units[0].relationship = "不具有控制关系".into();
        assert!(ValidForm::parse(&f).is_ok());
        assert!(relationship_allowed(AccessType::SelfUse, "母子公司关系") && !relationship_allowed(AccessType::SelfUse, "不具有控制关系"));

        let mut f = complete();
        f.access_type = Some(AccessType::SelfUse);
        f.qualifications.retain(|n, _| !(7..=11).contains(n));
        f.built_by_authorized = true;
        assert_eq!(fields(ValidForm::parse(&f).unwrap_err()), ["builder_code", "builder_name"]);
        f.builder_code = "91510100MA6CLQ014B".into();
        f.builder_name = "四川天府数字交通投资有限公司".into();
        assert_eq!(ValidForm::parse(&f).unwrap().builder.unwrap().name, "四川天府数字交通投资有限公司");
    }

    #[test]
    fn other_use_and_joint_refuse_any_authorized_unit() {
        for t in [AccessType::OtherUse, AccessType::Joint] {
            let mut f = complete();
            f.access_type = Some(t);
            f.use_units[0].relationship = "不具有控制关系".into();
            assert!(ValidForm::parse(&f).is_ok());
            // Not ticked, but a name left in the form: refused too.
            f.builder_name = "乐一软件技术有限公司".into();
            let e = ValidForm::parse(&f).unwrap_err();
            assert_eq!(e.len(), 1, "{e:?}");
            assert_eq!(e[0].field, "built_by_authorized");
            assert_eq!(e[0].message, format!("{}申请接入企业无需填写被授权单位相关信息，请清除被授权单位信息", t.label()));
            f.builder_name.clear();
            f.built_by_authorized = true;
            assert_eq!(fields(ValidForm::parse(&f).unwrap_err()), ["built_by_authorized"]);
        }
    }

    /// The application pack's sample values that are not valid (application-materials-sample.md).
    #[test]
    fn the_sample_packs_invalid_values_are_refused() {
        let mut f = complete();
        f.access_type = Some(AccessType::SelfUse);
        f.qualifications.retain(|n, _| !(7..=11).contains(n));
        f.use_units[0].relationship = "母子公司关系".into();
        f.built_by_authorized = true;
        f.builder_code = "916155ZL22511194LQ".into();
        f.builder_name = "乐一软件技术有限公司".into();
        f.use_units[0].credit_code = "9161252LQ1136652JR".into();
        f.test_ips = "10.90.661.910".into();
        f.production_ips = "10.90.661.911".into();
        let e = ValidForm::parse(&f).unwrap_err();
        let msg = |field: &str| e.iter().find(|x| x.field == field).map(|x| x.message.clone()).unwrap_or_else(|| panic!("{field}: {e:?}"));
        assert!(msg("builder_code").contains("统一社会信用代码"), "{}", msg("builder_code"));
        assert!(msg("use_units.0.credit_code").contains("统一社会信用代码"));
        assert!(msg("test_ips").starts_with("10.90.661.910："));
        assert!(msg("production_ips").starts_with("10.90.661.911："));
    }
}
