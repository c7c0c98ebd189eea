//! 申请材料 (guideline-sichuan ch. 3, guideline-neimenggu ch. 3 §一(三)): the
//! kinds of material a province asks for, and an uploaded file accepted only
//! as a real PDF, JPG or PNG within the size limit — the type is read from the
//! bytes; the browser's declared type and the file name's extension are ignored.

use serde::{Deserialize, Serialize};

/// A kind of material.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MaterialKind {
    /// 《乐企直连服务接入信息表》（内蒙古：乐企自用直连接入（变更）信息表，附使用单位清单）
    AccessInfoForm,
    /// 《乐企直连服务协议书》
    ServiceAgreement,
    /// 企业自有信息系统的软件著作权或使用权证明（或相关授权证明）
    SoftwareRight,
    /// 《项目报告》
    ProjectReport,
    /// 《授权委托书》: when the direct unit authorizes another unit to build its platform
    PowerOfAttorney,
    /// 《乐企服务网络地址备案表》
    NetworkFiling,
    /// 固定IP专属使用证明
    FixedIpProof,
    /// 乐企自用承诺书
    Commitment,
    /// 异常情形清册及整改情况报告 (a unit ordered out, applying again: guideline-neimenggu ch. 3 一(三)7)
    RectificationReport,
    /// 防范有关异常情形再次发生的保障机制说明 (same sentence)
    PreventionMechanism,
    /// 单位关系证明材料 (a use unit's proof of its relationship with the direct unit)
    RelationshipProof,
    /// 税务机关要求的其他材料
    Other,
}

impl MaterialKind {
    pub const ALL: [MaterialKind; 12] = [
        MaterialKind::AccessInfoForm,
        MaterialKind::ServiceAgreement,
        MaterialKind::SoftwareRight,
        MaterialKind::ProjectReport,
        MaterialKind::PowerOfAttorney,
        MaterialKind::NetworkFiling,
        MaterialKind::FixedIpProof,
        MaterialKind::Commitment,
        MaterialKind::RectificationReport,
        MaterialKind::PreventionMechanism,
        MaterialKind::RelationshipProof,
        MaterialKind::Other,
    ];

    pub fn label(self) -> &'static str {
        match self {
            MaterialKind::AccessInfoForm => "接入信息表",
            MaterialKind::ServiceAgreement => "服务协议书",
            MaterialKind::SoftwareRight => "软件著作权或使用权证明",
            MaterialKind::ProjectReport => "项目报告",
            MaterialKind::PowerOfAttorney => "授权委托书",
            MaterialKind::NetworkFiling => "网络地址备案表",
            MaterialKind::FixedIpProof => "固定IP专属使用证明",
            MaterialKind::Commitment => "乐企自用承诺书",
            MaterialKind::RectificationReport => "整改情况报告",
            MaterialKind::PreventionMechanism => "防范机制说明",
            MaterialKind::RelationshipProof => "单位关系证明材料",
            MaterialKind::Other => "其他材料",
        }
    }

    /// Stable code for storage, URLs and form fields (`material.<code>`).
    pub fn code(self) -> &'static str {
        match self {
            MaterialKind::AccessInfoForm => "access_info_form",
            MaterialKind::ServiceAgreement => "service_agreement",
            MaterialKind::SoftwareRight => "software_right",
            MaterialKind::ProjectReport => "project_report",
            MaterialKind::PowerOfAttorney => "power_of_attorney",
            MaterialKind::NetworkFiling => "network_filing",
            MaterialKind::FixedIpProof => "fixed_ip_proof",
            MaterialKind::Commitment => "commitment",
            MaterialKind::RectificationReport => "rectification_report",
            MaterialKind::PreventionMechanism => "prevention_mechanism",
            MaterialKind::RelationshipProof => "relationship_proof",
            MaterialKind::Other => "other",
        }
    }

    pub fn from_code(c: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == c)
    }

    /// The form field a message about this kind is shown next to.
    pub fn field(self) -> String {
        format!("material.{}", self.code())
    }
}

/// Which materials a province asks of a direct unit's access application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaterialRules {
    /// Always required.
    pub required: Vec<MaterialKind>,
    /// Required when the system is built by an authorized unit (被授权单位建设).
    #[serde(default)]
    pub when_authorized: Vec<MaterialKind>,
    /// Offered, never required.
    #[serde(default)]
    pub optional: Vec<MaterialKind>,
    /// Required when the unit was ordered out (责令退出) before and applies again.
    #[serde(default)]
    pub when_reapplying_after_ordered_exit: Vec<MaterialKind>,
}

/// What decides which materials an application needs besides the province's list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaterialCase {
    /// A 被授权单位 builds the system (自用 only: 填表说明 1).
    pub built_by_authorized: bool,
    /// The unit was ordered out of the platform before (责令退出).
    pub ordered_exit_before: bool,
}

impl Default for MaterialRules {
    /// The national list (乐企直连单位接入): what every province asks at least.
    fn default() -> Self {
        MaterialRules {
            required: vec![MaterialKind::AccessInfoForm, MaterialKind::ServiceAgreement, MaterialKind::SoftwareRight, MaterialKind::ProjectReport, MaterialKind::NetworkFiling],
            when_authorized: vec![MaterialKind::PowerOfAttorney],
            optional: vec![MaterialKind::Other],
            when_reapplying_after_ordered_exit: vec![],
        }
    }
}

/// One line of the 申请材料 list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaterialSlot {
    pub kind: MaterialKind,
    pub required: bool,
}

impl MaterialRules {
    /// The materials offered for an application, required ones first, each kind once.
    pub fn slots(&self, built_by_authorized: bool) -> Vec<MaterialSlot> {
        self.slots_for(MaterialCase { built_by_authorized, ordered_exit_before: false })
    }

    /// The materials offered in this case, required ones first, each kind once.
    pub fn slots_for(&self, case: MaterialCase) -> Vec<MaterialSlot> {
        let mut out: Vec<MaterialSlot> = Vec::new();
        let mut push = |kind: MaterialKind, required: bool| {
            if !out.iter().any(|s| s.kind == kind) {
                out.push(MaterialSlot { kind, required });
            }
        };
        for k in &self.required {
            push(*k, true);
        }
        for k in &self.when_authorized {
            push(*k, case.built_by_authorized);
        }
        for k in &self.when_reapplying_after_ordered_exit {
            // Required after an ordered exit (even when also listed as optional); offered otherwise.
            push(*k, case.ordered_exit_before);
        }
        for k in &self.optional {
            push(*k, false);
        }
        // Required first, keeping the province's order otherwise.
        out.sort_by_key(|s| !s.required);
        out
    }

    /// The required kinds of which nothing was uploaded, in list order.
    pub fn missing(&self, built_by_authorized: bool, present: &[MaterialKind]) -> Vec<MaterialKind> {
        self.missing_for(MaterialCase { built_by_authorized, ordered_exit_before: false }, present)
    }

    /// The required kinds of which nothing was uploaded in this case, in list order.
    pub fn missing_for(&self, case: MaterialCase, present: &[MaterialKind]) -> Vec<MaterialKind> {
        self.slots_for(case).into_iter().filter(|s| s.required && !present.contains(&s.kind)).map(|s| s.kind).collect()
    }

    /// The list as it applies to one unit: after an ordered exit the
    /// `when_reapplying_after_ordered_exit` kinds become required.
    pub fn resolved(&self, ordered_exit_before: bool) -> MaterialRules {
        let mut r = self.clone();
        if ordered_exit_before {
            for k in std::mem::take(&mut r.when_reapplying_after_ordered_exit) {
                if !r.required.contains(&k) {
                    r.required.push(k);
                }
            }
        } else {
            // Offered, not required.
            for k in std::mem::take(&mut r.when_reapplying_after_ordered_exit) {
                if !r.optional.contains(&k) {
                    r.optional.insert(0, k);
                }
            }
        }
        r
    }

    /// Whether a kind may be attached at all.
    pub fn offers(&self, kind: MaterialKind) -> bool {
        self.required.contains(&kind) || self.when_authorized.contains(&kind) || self.optional.contains(&kind) || self.when_reapplying_after_ordered_exit.contains(&kind)
    }
}

/// The file types accepted, as recognised from their first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FileType {
    Pdf,
    Png,
    Jpeg,
}

impl FileType {
    /// What the bytes are, whatever anyone said about them.
    pub fn sniff(bytes: &[u8]) -> Option<FileType> {
        if bytes.starts_with(b"%PDF-") {
            Some(FileType::Pdf)
        } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
            Some(FileType::Png)
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(FileType::Jpeg)
        } else {
            None
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            FileType::Pdf => "application/pdf",
            FileType::Png => "image/png",
            FileType::Jpeg => "image/jpeg",
        }
    }

    pub fn from_mime(m: &str) -> Option<Self> {
        [FileType::Pdf, FileType::Png, FileType::Jpeg].into_iter().find(|t| t.mime() == m)
    }

    pub fn extension(self) -> &'static str {
        match self {
            FileType::Pdf => "pdf",
            FileType::Png => "png",
            FileType::Jpeg => "jpg",
        }
    }
}

/// 10 MB per file.
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;
/// What one unit may keep in uploads (attached or not; shared copies once).
pub const UNIT_QUOTA_BYTES: u64 = 200 * 1024 * 1024;
/// Uploads never attached to anything are removed after this long.
pub const UNATTACHED_KEEP_HOURS: i64 = 24;
const MAX_NAME_CHARS: usize = 100;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum UploadError {
    #[error("文件为空，请重新选择")]
    Empty,
    #[error("文件大小不能超过10MB")]
    TooLarge,
    #[error("仅支持PDF、JPG、PNG格式的文件")]
    WrongType,
}

/// A file that passed the checks: a real PDF/PNG/JPEG, not empty, within the limit,
/// with a display name safe to show and to put in a header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    kind: MaterialKind,
    file_name: String,
    file_type: FileType,
    bytes: Vec<u8>,
}

impl Upload {
    pub fn parse(kind: MaterialKind, file_name: &str, bytes: Vec<u8>) -> Result<Upload, UploadError> {
        if bytes.is_empty() {
            return Err(UploadError::Empty);
        }
        if bytes.len() > MAX_FILE_BYTES {
            return Err(UploadError::TooLarge);
        }
        let file_type = FileType::sniff(&bytes).ok_or(UploadError::WrongType)?;
        Ok(Upload { kind, file_name: display_name(file_name, kind, file_type), file_type, bytes })
    }

    pub fn kind(&self) -> MaterialKind {
        self.kind
    }
    pub fn file_name(&self) -> &str {
        &self.file_name
    }
    pub fn file_type(&self) -> FileType {
        self.file_type
    }
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }
    pub fn size(&self) -> u64 {
        self.bytes.len() as u64
    }
    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }
}

/// The last path segment, without control characters or quotes, at most 100
/// characters; the kind's label when nothing is left.
fn display_name(raw: &str, kind: MaterialKind, t: FileType) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let clean: String = base.chars().filter(|c| !c.is_control() && !matches!(c, '"' | '<' | '>')).collect();
    let clean = clean.trim().trim_start_matches('.');
    if clean.is_empty() {
        return format!("{}.{}", kind.label(), t.extension());
    }
    let n = clean.chars().count();
    if n <= MAX_NAME_CHARS {
        clean.to_string()
    } else {
        clean.chars().skip(n - MAX_NAME_CHARS).collect()
    }
}

/// What a material is attached to. An upload starts unattached; a workflow
/// attaches it to its own object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MaterialOwner {
    Unattached,
    /// An access application (接入申请)
    Application(i64),
    /// A batch of invitations to use units (接入邀请)
    InvitationBatch(i64),
    /// A 事项变更 request (the newly signed 服务协议书)
    Request(i64),
    /// A 税务管理措施's 整改反馈 (the unit's 整改情况报告 and other materials)
    MeasureFeedback(i64),
}

impl MaterialOwner {
    /// (kind, id) for storage.
    pub fn to_parts(self) -> (&'static str, Option<i64>) {
        match self {
            MaterialOwner::Unattached => ("unattached", None),
            MaterialOwner::Application(id) => ("application", Some(id)),
            MaterialOwner::InvitationBatch(id) => ("invitation_batch", Some(id)),
            MaterialOwner::Request(id) => ("lifecycle_request", Some(id)),
            MaterialOwner::MeasureFeedback(id) => ("measure_feedback", Some(id)),
        }
    }

    pub fn from_parts(kind: &str, id: Option<i64>) -> Option<Self> {
        match (kind, id) {
            ("unattached", _) => Some(MaterialOwner::Unattached),
            ("application", Some(id)) => Some(MaterialOwner::Application(id)),
            ("invitation_batch", Some(id)) => Some(MaterialOwner::InvitationBatch(id)),
            ("lifecycle_request", Some(id)) => Some(MaterialOwner::Request(id)),
            ("measure_feedback", Some(id)) => Some(MaterialOwner::MeasureFeedback(id)),
            _ => None,
        }
    }
}

/// "593 B" / "12.3 KB" / "1.5 MB" (rounded down; integers only, to keep float formatting out of the client).
pub fn size_label(bytes: u64) -> String {
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let (tenths, unit) = if bytes < 1024 * 1024 { (bytes * 10 / 1024, "KB") } else { (bytes * 10 / (1024 * 1024), "MB") };
    format!("{}.{} {unit}", tenths / 10, tenths % 10)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PDF: &[u8] = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n";
    const PNG: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, b'I', b'H', b'D', b'R'];
    const JPEG: &[u8] = &[0xFF, 0xD8, 0xFF, 0xE0, 0, 16, b'J', b'F', b'I', b'F'];

    #[test]
    fn the_type_comes_from_the_bytes() {
        assert_eq!(FileType::sniff(PDF), Some(FileType::Pdf));
        assert_eq!(FileType::sniff(PNG), Some(FileType::Png));
        assert_eq!(FileType::sniff(JPEG), Some(FileType::Jpeg));
        // A Windows program or a text file renamed to .pdf is not a PDF.
        assert_eq!(FileType::sniff(b"MZ\x90\x00\x03\x00\x00\x00"), None);
        assert_eq!(FileType::sniff(b"hello, this is text"), None);
        assert_eq!(FileType::sniff(b"%PDF"), None, "a truncated signature");
        assert_eq!(FileType::sniff(&PNG[..7]), None);
        assert_eq!(FileType::sniff(&[0xFF, 0xD8]), None);
        assert_eq!(FileType::sniff(b""), None);
        assert_eq!(FileType::from_mime("image/png"), Some(FileType::Png));
    }

    #[test]
    fn uploads_are_parsed_with_chinese_errors() {
        let u = Upload::parse(MaterialKind::ProjectReport, "项目报告.pdf", PDF.to_vec()).unwrap();
        assert_eq!((u.kind(), u.file_name(), u.file_type(), u.size()), (MaterialKind::ProjectReport, "项目报告.pdf", FileType::Pdf, PDF.len() as u64));
        let e = Upload::parse(MaterialKind::ProjectReport, "setup.pdf", b"MZ\x90\x00".to_vec()).unwrap_err();
        assert_eq!(e.to_string(), "仅支持PDF、JPG、PNG格式的文件");
        assert_eq!(Upload::parse(MaterialKind::ProjectReport, "a.pdf", vec![]).unwrap_err().to_string(), "文件为空，请重新选择");
        let mut big = PDF.to_vec();
        big.resize(MAX_FILE_BYTES, b' ');
        assert!(Upload::parse(MaterialKind::ProjectReport, "big.pdf", big.clone()).is_ok(), "exactly 10 MB is allowed");
        big.push(b' ');
        assert_eq!(Upload::parse(MaterialKind::ProjectReport, "big.pdf", big).unwrap_err(), UploadError::TooLarge);
        assert_eq!(UploadError::TooLarge.to_string(), "文件大小不能超过10MB");
    }

    #[test]
    fn file_names_are_made_safe() {
        let name = |raw: &str| Upload::parse(MaterialKind::NetworkFiling, raw, PNG.to_vec()).unwrap().file_name().to_string();
        assert_eq!(name("C:\\Users\\me\\备案表.png"), "备案表.png");
        assert_eq!(name("../../etc/passwd"), "passwd");
        assert_eq!(name("a\"b\r\nc.png"), "abc.png");
        assert_eq!(name(""), "网络地址备案表.png");
        assert_eq!(name("..."), "网络地址备案表.png");
        let long = format!("{}.png", "长".repeat(200));
        assert_eq!(name(&long).chars().count(), 100);
        assert!(name(&long).ends_with(".png"));
    }

    #[test]
    fn kinds_and_owners_round_trip() {
        for k in MaterialKind::ALL {
            assert_eq!(MaterialKind::from_code(k.code()), Some(k));
            assert!(!k.label().is_empty());
        }
        assert_eq!(MaterialKind::RelationshipProof.label(), "单位关系证明材料");
        assert_eq!(MaterialKind::from_code("exe"), None);
        for o in [MaterialOwner::Unattached, MaterialOwner::Application(7), MaterialOwner::InvitationBatch(9), MaterialOwner::Request(3), MaterialOwner::MeasureFeedback(5)] {
            let (k, id) = o.to_parts();
            assert_eq!(MaterialOwner::from_parts(k, id), Some(o));
        }
        assert_eq!(MaterialOwner::from_parts("application", None), None);
    }

    #[test]
    fn the_power_of_attorney_is_required_only_when_built_by_an_authorized_unit() {
        let r = MaterialRules::default();
        let kinds = |auth: bool| r.slots(auth).into_iter().filter(|s| s.required).map(|s| s.kind).collect::<Vec<_>>();
        assert!(!kinds(false).contains(&MaterialKind::PowerOfAttorney));
        assert!(kinds(true).contains(&MaterialKind::PowerOfAttorney));
        assert!(r.slots(false).iter().any(|s| s.kind == MaterialKind::PowerOfAttorney && !s.required), "still offered");
        let all_but_report = [MaterialKind::AccessInfoForm, MaterialKind::ServiceAgreement, MaterialKind::SoftwareRight, MaterialKind::NetworkFiling];
        assert_eq!(r.missing(false, &all_but_report), [MaterialKind::ProjectReport]);
        assert_eq!(r.missing(true, &all_but_report), [MaterialKind::ProjectReport, MaterialKind::PowerOfAttorney]);
        assert!(r.offers(MaterialKind::Other) && !r.offers(MaterialKind::RelationshipProof));
        assert_eq!(size_label(79), "79 B");
        assert_eq!(size_label(2048), "2.0 KB");
        assert_eq!(size_label(3 * 1024 * 1024 / 2), "1.5 MB");
    }
}
