//! Demo data (demo mode): two provinces, their tax offices and officers, a
//! 联用 and a 自用 direct unit, use units in every relationship, and people in
//! every identity. Credit codes and ID numbers carry valid check characters.

use app::kernel::{CreditCode, IdNumber, Identity, OfficerRole};
use app::context::outside::Secrets;
use sqlx::Row;

use crate::store::{unavailable, SqlStore};
use app::kernel::storage::StoreError;

pub const DEMO_PASSWORD: &str = "Demo1234";

pub struct DemoEnterprise {
    pub key: &'static str,
    pub name: &'static str,
    pub first17: &'static str,
    pub office: &'static str,
    pub direct_unit_type: Option<&'static str>,
    /// How it relates to a direct unit (shown in the README; invitations come with issue 5).
    pub note: &'static str,
}

pub const PROVINCES: &[(&str, &str, &str)] = &[
    ("51", "四川省", "国家税务总局四川省税务局"),
    ("15", "内蒙古自治区", "国家税务总局内蒙古自治区税务局"),
];

/// (key, name, province)
pub const OFFICES: &[(&str, &str, &str)] = &[
    ("sc_jj", "国家税务总局成都市锦江区税务局", "51"),
    ("sc_gx", "国家税务总局成都高新技术产业开发区税务局", "51"),
    ("sc_my", "国家税务总局绵阳市涪城区税务局", "51"),
    ("nm_sh", "国家税务总局呼和浩特市赛罕区税务局", "15"),
    ("nm_bt", "国家税务总局包头市昆都仑区税务局", "15"),
];

pub const ENTERPRISES: &[DemoEnterprise] = &[
    DemoEnterprise { key: "shule", name: "四川蜀乐科技集团有限公司", first17: "91510104MA6CLQ001", office: "sc_jj", direct_unit_type: Some("lianyong"), note: "乐企联用直连单位" },
    DemoEnterprise { key: "caoyuan", name: "内蒙古草原云链能源股份有限公司", first17: "91150105MA0NCY002", office: "nm_sh", direct_unit_type: Some("ziyong"), note: "乐企自用直连单位" },
    DemoEnterprise { key: "shule_my", name: "四川蜀乐科技集团有限公司绵阳分公司", first17: "91510703MA6CLQ011", office: "sc_my", direct_unit_type: None, note: "使用单位：与蜀乐科技为总分公司关系" },
    DemoEnterprise { key: "shule_soft", name: "成都蜀乐软件有限公司", first17: "91510100MA6CLQ012", office: "sc_gx", direct_unit_type: None, note: "使用单位：与蜀乐科技为母子公司关系" },
    DemoEnterprise { key: "shule_wuye", name: "四川蜀乐物业服务有限公司", first17: "91510104MA6CLQ013", office: "sc_jj", direct_unit_type: None, note: "使用单位：与蜀乐科技为其他控制关系" },
    DemoEnterprise { key: "tianfu_jt", name: "四川天府数字交通投资有限公司", first17: "91510100MA6CLQ014", office: "sc_gx", direct_unit_type: None, note: "使用单位：与蜀乐科技为同一监管部门" },
    DemoEnterprise { key: "qinghe", name: "成都青禾餐饮管理有限公司", first17: "91510104MA6CLQ015", office: "sc_jj", direct_unit_type: None, note: "使用单位：与蜀乐科技不具有控制关系（联用类）" },
    DemoEnterprise { key: "caoyuan_bt", name: "包头草原云链储运有限公司", first17: "91150203MA0NCY021", office: "nm_bt", direct_unit_type: None, note: "使用单位：与草原云链为母子公司关系" },
    DemoEnterprise { key: "tianfu_sm", name: "四川天府数智商贸有限公司", first17: "91510100MA6CLQ030", office: "sc_gx", direct_unit_type: None, note: "尚未接入，可发起接入申请；也可用15位纳税人识别号 `510100MA6CLQ039` 登录" },
    DemoEnterprise { key: "caoyuan_fgs", name: "内蒙古草原云链能源股份有限公司包头分公司", first17: "91150203MA0NCY041", office: "nm_bt", direct_unit_type: None, note: "使用单位：与草原云链为总分公司关系（非独立核算分支机构，不参与纳税信用级别评价）" },
    DemoEnterprise { key: "nm_shaomai", name: "呼和浩特市赛罕区草原味道烧麦馆", first17: "92150105MA0NCY051", office: "nm_sh", direct_unit_type: None, note: "个体工商户：也可用20位纳税人识别号 `15010519800808024101`（经营者身份证号码+01）登录" },
];

/// Units that also log in with another 纳税人识别号 (etax-login-guide §1.4 "社会信用代码或识别号"):
/// (key, number). 15 characters: 行政区划码 + 组织机构代码; 20: the operator's ID number + 2 digits.
pub const TAXPAYER_NUMBERS: &[(&str, &str)] = &[("tianfu_sm", "510100MA6CLQ039"), ("nm_shaomai", "15010519800808024101")];

/// Registry figures (核心征管): (key, credit grade, 数电票 pilot, revenue 万元, invoices 份 in 12 months,
/// invoiced 万元 in 12 months, major violation in 3 years, categories).
pub type DemoFigures = (&'static str, &'static str, bool, i64, i64, i64, bool, &'static str);

pub const FIGURES: &[DemoFigures] = &[
    ("shule", "A", true, 60_000, 80_000, 65_000, false, ""),
    ("caoyuan", "B", true, 12_000, 15_000, 20_000, false, "state_owned"),
    ("shule_my", "A", true, 8_000, 12_000, 9_000, false, ""),
    ("shule_soft", "B", true, 3_000, 9_000, 2_500, false, ""),
    ("shule_wuye", "B", true, 1_500, 6_000, 800, false, ""),
    ("tianfu_jt", "A", true, 2_500, 25_000, 3_000, false, "public"),
    ("qinghe", "M", true, 900, 4_000, 600, false, ""),
    ("caoyuan_bt", "C", false, 700, 2_000, 300, true, ""),
    // Meets 四川's thresholds only together with its pre-invited use units.
    ("tianfu_sm", "A", true, 3_000, 30_000, 4_000, false, ""),
    // 非独立核算分支机构: no credit grade (不参与纳税信用级别评价).
    ("caoyuan_fgs", "", true, 1_200, 5_000, 900, false, ""),
    // B: passes 内蒙古's 基础信息核验 at 下一步 (the amounts wait for the use units), so its 接入申请单 can be opened.
    ("nm_shaomai", "B", true, 80, 1_500, 60, false, ""),
];

/// A demo person: (name, ID first 17, phone, has own password, [(enterprise key, identity)]).
pub type DemoPerson = (&'static str, &'static str, &'static str, bool, &'static [(&'static str, Identity)]);

pub const PEOPLE: &[DemoPerson] = &[
    ("王建国", "51010419750312001", "13908000001", true, &[("shule", Identity::LegalRepresentative)]),
    ("李秀英", "51010419820623002", "13908000002", true, &[("shule", Identity::FinanceManager)]),
    ("张伟", "51010719900105003", "13908000003", true, &[("shule", Identity::TaxClerk), ("shule_soft", Identity::FinanceManager)]),
    ("刘洋", "51010819950817004", "13908000004", false, &[("shule", Identity::InvoiceClerk)]),
    ("巴特尔", "15010519700402005", "13904710005", true, &[("caoyuan", Identity::LegalRepresentative)]),
    ("其其格", "15010519850919006", "13904710006", true, &[("caoyuan", Identity::FinanceManager)]),
    ("赵磊", "15020319880228007", "13904710007", true, &[("caoyuan", Identity::TaxClerk)]),
    ("孙丽", "15020319930511008", "13904710008", true, &[("caoyuan", Identity::InvoiceClerk)]),
    ("周敏", "51070319781130009", "13908160009", true, &[("shule_my", Identity::LegalRepresentative), ("shule_my", Identity::FinanceManager)]),
    ("吴强", "51070319920707010", "13908160010", true, &[("shule_my", Identity::InvoiceClerk)]),
    ("郑浩", "51010019800101011", "13908000011", true, &[("shule_soft", Identity::LegalRepresentative)]),
    ("冯雪", "51010019960214012", "13908000012", true, &[("shule_soft", Identity::InvoiceClerk)]),
    ("陈静", "51010419790505013", "13908000013", true, &[("shule_wuye", Identity::LegalRepresentative), ("shule_wuye", Identity::FinanceManager)]),
    ("杨帆", "51010019760808014", "13908000014", true, &[("tianfu_jt", Identity::LegalRepresentative)]),
    ("黄蓉", "51010019870303015", "13908000015", true, &[("tianfu_jt", Identity::FinanceManager)]),
    ("何青", "51010419830606016", "13908000016", true, &[("qinghe", Identity::LegalRepresentative)]),
    ("罗琳", "51010419910909017", "13908000017", true, &[("qinghe", Identity::FinanceManager)]),
    ("马超", "51010419970120018", "13908000018", true, &[("qinghe", Identity::InvoiceClerk), ("qinghe", Identity::TaxClerk)]),
    ("乌云", "15020319811010019", "13904720019", true, &[("caoyuan_bt", Identity::LegalRepresentative), ("caoyuan_bt", Identity::FinanceManager)]),
    ("高远", "51010019840404020", "13908000020", true, &[("tianfu_sm", Identity::LegalRepresentative)]),
    ("林小雨", "51010019940606021", "13908000021", true, &[("tianfu_sm", Identity::FinanceManager), ("tianfu_sm", Identity::TaxClerk)]),
    ("额尔敦", "15020319860715022", "13904720022", true, &[("caoyuan_fgs", Identity::LegalRepresentative), ("caoyuan_fgs", Identity::FinanceManager)]),
    ("阿拉坦", "15010519800808024", "13904710024", true, &[("nm_shaomai", Identity::LegalRepresentative), ("nm_shaomai", Identity::FinanceManager)]),
];

/// (username, name, role, office key or province code)
pub const OFFICERS: &[(&str, &str, OfficerRole, &str)] = &[
    ("sc_jj_shouli", "陈晓（锦江受理）", OfficerRole::Acceptance, "sc_jj"),
    ("sc_jj_fuhe", "邓琪（锦江复核）", OfficerRole::Review, "sc_jj"),
    ("sc_gx_shouli", "蒋涛（高新受理）", OfficerRole::Acceptance, "sc_gx"),
    ("sc_gx_fuhe", "谢婷（高新复核）", OfficerRole::Review, "sc_gx"),
    ("sc_my_shouli", "唐亮（涪城受理）", OfficerRole::Acceptance, "sc_my"),
    ("sc_my_fuhe", "韩梅（涪城复核）", OfficerRole::Review, "sc_my"),
    ("sc_queren", "曾伟（四川省局确认）", OfficerRole::Confirmation, "51"),
    ("nm_sh_shouli", "苏和（赛罕受理）", OfficerRole::Acceptance, "nm_sh"),
    ("nm_sh_fuhe", "娜仁（赛罕复核）", OfficerRole::Review, "nm_sh"),
    ("nm_bt_shouli", "王刚（昆都仑受理）", OfficerRole::Acceptance, "nm_bt"),
    ("nm_bt_fuhe", "刘芳（昆都仑复核）", OfficerRole::Review, "nm_bt"),
    ("nm_queren", "包海（内蒙古区局确认）", OfficerRole::Confirmation, "15"),
];

pub fn credit_code(e: &DemoEnterprise) -> CreditCode {
    CreditCode::from_first17(e.first17).expect("demo first17 is well formed")
}

pub fn id_number(first17: &str) -> IdNumber {
    IdNumber::from_first17(first17).expect("demo ID first17 is well formed")
}

/// Loads the demo data unless the registry already has enterprises.
pub async fn seed(store: &SqlStore, secrets: &dyn Secrets, now_ms: i64) -> Result<bool, StoreError> {
    let pool = store.pool();
    let count: i64 = sqlx::query("SELECT COUNT(*) AS n FROM enterprises").fetch_one(pool).await.map_err(unavailable)?.get("n");
    if count > 0 {
        return Ok(false);
    }
    let hash = secrets.hash_password(DEMO_PASSWORD);
    let mut tx = pool.begin().await.map_err(unavailable)?;
    for (code, name, bureau) in PROVINCES {
        sqlx::query("INSERT INTO provinces (code, name, bureau_name) VALUES ($1, $2, $3)")
            .bind(*code).bind(*name).bind(*bureau)
            .execute(&mut *tx).await.map_err(unavailable)?;
    }
    let mut office_ids = std::collections::HashMap::new();
    for (key, name, province) in OFFICES {
        let id: i64 = sqlx::query("INSERT INTO tax_offices (name, province_code) VALUES ($1, $2) RETURNING id")
            .bind(*name).bind(*province)
            .fetch_one(&mut *tx).await.map_err(unavailable)?.get("id");
        office_ids.insert(*key, (id, *province));
    }
    let mut enterprise_ids = std::collections::HashMap::new();
    for e in ENTERPRISES {
        let id: i64 = sqlx::query(
            "INSERT INTO enterprises (credit_code, name, password_hash, tax_office_id, direct_unit_type, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(credit_code(e).as_str()).bind(e.name).bind(&hash).bind(office_ids[e.office].0)
        .bind(e.direct_unit_type).bind(now_ms)
        .fetch_one(&mut *tx).await.map_err(unavailable)?.get("id");
        enterprise_ids.insert(e.key, id);
    }
    for (key, grade, pilot, revenue, invoices, amount, violation, categories) in FIGURES {
        sqlx::query(
            "UPDATE enterprises SET credit_grade = $1, digital_invoice_pilot = $2, revenue_last_year_fen = $3, invoices_12m = $4, \
             invoiced_amount_12m_fen = $5, major_violation_3y = $6, categories = $7 WHERE id = $8",
        )
        .bind(*grade).bind(*pilot as i64).bind(revenue * 1_000_000).bind(*invoices).bind(amount * 1_000_000)
        .bind(*violation as i64).bind(*categories).bind(enterprise_ids[key])
        .execute(&mut *tx).await.map_err(unavailable)?;
    }
    for (key, number) in TAXPAYER_NUMBERS {
        sqlx::query("UPDATE enterprises SET taxpayer_number = $1 WHERE id = $2")
            .bind(*number).bind(enterprise_ids[key])
            .execute(&mut *tx).await.map_err(unavailable)?;
    }
    // The demo direct units' 乐企资格 term: two whole natural years after the seed's year
    // (the project's reading of "初次接入时间为 2 个自然年度"); 能力有效期 is bounded by it.
    let year: i64 = app::kernel::Timestamp(now_ms).beijing_time()[..4].parse().unwrap_or(2026);
    sqlx::query("UPDATE enterprises SET qualification_end = $1 WHERE direct_unit_type IS NOT NULL")
        .bind(format!("{}-12-31", year + 2))
        .execute(&mut *tx).await.map_err(unavailable)?;
    // 草原云链's term ends 45 days after the demo data is loaded, inside the 3-month window
    // before 资格有效期至: it shows 即将到期 and offers 【申请延续】 (issue #13).
    let soon = app::kernel::Day::of(app::kernel::Timestamp(now_ms)).plus_days(45);
    sqlx::query("UPDATE enterprises SET qualification_end = $1 WHERE id = $2")
        .bind(soon.to_string()).bind(enterprise_ids["caoyuan"])
        .execute(&mut *tx).await.map_err(unavailable)?;
    for (key, qualification) in QUALIFICATIONS {
        sqlx::query("INSERT INTO enterprise_qualifications (enterprise_id, qualification) VALUES ($1, $2)")
            .bind(enterprise_ids[key]).bind(*qualification)
            .execute(&mut *tx).await.map_err(unavailable)?;
    }
    for (name, id17, phone, has_password, links) in PEOPLE {
        let person_id: i64 = sqlx::query(
            "INSERT INTO people (name, id_number, phone, password_hash, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(*name).bind(id_number(id17).as_str()).bind(*phone)
        .bind(has_password.then(|| hash.clone())).bind(now_ms)
        .fetch_one(&mut *tx).await.map_err(unavailable)?.get("id");
        for (ent, identity) in links.iter() {
            sqlx::query("INSERT INTO enterprise_people (enterprise_id, person_id, identity, created_at) VALUES ($1, $2, $3, $4)")
                .bind(enterprise_ids[ent]).bind(person_id).bind(identity.code()).bind(now_ms)
                .execute(&mut *tx).await.map_err(unavailable)?;
        }
    }
    for (username, name, role, unit) in OFFICERS {
        let (office, province) = match office_ids.get(unit) {
            Some((id, province)) => (Some(*id), province.to_string()),
            None => (None, unit.to_string()),
        };
        sqlx::query(
            "INSERT INTO officers (username, name, password_hash, role, tax_office_id, province_code) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(*username).bind(*name).bind(&hash).bind(role.code()).bind(office).bind(province)
        .execute(&mut *tx).await.map_err(unavailable)?;
    }
    for (key, access_type, production_ips, test_ips) in FILED_APPLICATIONS {
        let e = ENTERPRISES.iter().find(|e| e.key == *key).expect("demo direct unit");
        let (office, province) = office_ids[e.office];
        let form = serde_json::json!({
            "access_type": access_type, "contact": "系统管理员", "phone": "028-86000000", "email": "it@example.com",
            "system_name": "乐企直连开票系统", "deployment": "自有机房", "test_ips": test_ips, "production_ips": production_ips,
            "protocol": "HTTPS", "port": "443", "period": "long",
        });
        sqlx::query(
            "INSERT INTO access_applications (enterprise_id, tax_office_id, province_code, status, status_code, form, version, created_at, updated_at, submitted_at) \
             VALUES ($1, $2, $3, $4, 'confirmed', $5, 1, $6, $6, $6)",
        )
        .bind(enterprise_ids[key]).bind(office).bind(province).bind("\"Confirmed\"").bind(form.to_string()).bind(now_ms)
        .execute(&mut *tx).await.map_err(unavailable)?;
    }
    tx.commit().await.map_err(unavailable)?;
    Ok(true)
}

/// 行业资质 the demo units hold (能力中心: 成品油发票开具 needs 成品油经营许可).
pub const QUALIFICATIONS: &[(&str, &str)] = &[("caoyuan", "成品油经营许可")];

/// The demo direct units' confirmed 接入申请 (their filed IPs, from which the signed
/// API accepts calls: loopback, so the demo and the tests can call it):
/// (key, access type, 生产环境IP, 测试环境IP).
pub const FILED_APPLICATIONS: &[(&str, &str, &str, &str)] = &[
    ("shule", "Joint", "127.0.0.1, 203.0.113.10", "10.1.2.3"),
    ("caoyuan", "SelfUse", "127.0.0.1, 198.51.100.20", "10.5.6.7"),
];

/// The demo accounts as Markdown (README; `leqi-server --demo-accounts`).
pub fn accounts_markdown() -> String {
    let mut out = String::from("| 单位 | 统一社会信用代码 | 说明 | 办税人员（身份，手机） |\n|---|---|---|---|\n");
    for e in ENTERPRISES {
        let people: Vec<String> = PEOPLE
            .iter()
            .flat_map(|(name, _, phone, pw, links)| {
                links.iter().filter(|(k, _)| *k == e.key).map(move |(_, i)| {
                    format!("{name}（{}，{phone}{}）", i.label(), if *pw { "" } else { "，仅短信" })
                })
            })
            .collect();
        out += &format!("| {} | `{}` | {} | {} |\n", e.name, credit_code(e), e.note, people.join("；"));
    }
    out += "\n| 税务人员用户名 | 姓名 | 岗位 |\n|---|---|---|\n";
    for (u, n, r, _) in OFFICERS {
        out += &format!("| `{u}` | {n} | {} |\n", r.label());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_demo_code_and_id_is_valid_and_unique() {
        let mut codes: Vec<String> = ENTERPRISES.iter().map(|e| credit_code(e).to_string()).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), ENTERPRISES.len());
        for (_, id17, phone, _, _) in PEOPLE {
            let id = id_number(id17);
            assert!(IdNumber::parse(id.as_str()).is_ok());
            assert!(app::kernel::MobilePhone::parse(phone).is_ok());
        }
    }

    #[test]
    fn demo_taxpayer_numbers_parse_and_the_20_character_one_is_its_operators_id() {
        use app::kernel::taxpayer_number::TaxpayerNumber;
        for (key, number) in TAXPAYER_NUMBERS {
            assert!(matches!(TaxpayerNumber::parse(number), Ok(TaxpayerNumber::Other(_))), "{key} {number}");
        }
        let lengths: Vec<usize> = TAXPAYER_NUMBERS.iter().map(|(_, n)| n.len()).collect();
        assert_eq!(lengths, [15, 20]);
        assert_eq!(&TAXPAYER_NUMBERS[1].1[..18], id_number("15010519800808024").as_str());
    }

    #[test]
    fn demo_covers_every_identity_and_officer_role_in_both_provinces() {
        for identity in Identity::ALL {
            assert!(PEOPLE.iter().any(|p| p.4.iter().any(|(_, i)| *i == identity)), "{}", identity.label());
        }
        for province in ["51", "15"] {
            for role in OfficerRole::ALL {
                assert!(
                    OFFICERS.iter().any(|(_, _, r, unit)| *r == role
                        && (*unit == province || OFFICES.iter().any(|(k, _, p)| k == unit && *p == province))),
                    "{province} {}",
                    role.label()
                );
            }
        }
    }
}
