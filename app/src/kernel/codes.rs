//! 经过校验的业务值类型（"parse, don't validate"）。
//!
//! 这些类型只能通过 `parse`（或 `FromStr`、`TryFrom<String>`、serde 反序列化）构造，
//! 因此一旦持有某个值，它就一定合法。所有错误信息均为面向用户的中文提示。
//!
//! - [`CreditCode`]：统一社会信用代码（GB 32100-2015）
//! - [`IdNumber`]：居民身份证号码（GB 11643-1999）
//! - [`MobilePhone`]：中国大陆手机号码
//! - [`Ipv4`]：IPv4 地址
//! - [`Amount`]：以“分”存储的金额（元，最多两位小数）
//! - [`Password`]：用户新设置的密码（不可显示、不可序列化）

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// 为类型实现 `FromStr` 与 `TryFrom<String>`（均委托给 `parse`）。
macro_rules! impl_parse_traits {
    ($t:ty, $err:ty) => {
        impl FromStr for $t {
            type Err = $err;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }

        impl TryFrom<String> for $t {
            type Error = $err;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                Self::parse(&s)
            }
        }
    };
}

/// 为内部是规范化 `String` 的类型实现 `Display`、`AsRef<str>` 与 `From<T> for String`。
macro_rules! impl_textual {
    ($t:ty) => {
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $t {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl From<$t> for String {
            fn from(v: $t) -> String {
                v.0
            }
        }
    };
}

/// 将全为 ASCII 数字的字符串转为数值（调用方保证输入已校验且不会溢出）。
fn ascii_digits_value(s: &str) -> u32 {
    s.bytes().fold(0, |acc, b| acc * 10 + u32::from(b - b'0'))
}

// ---------------------------------------------------------------------------
// 统一社会信用代码
// ---------------------------------------------------------------------------

/// GB 32100-2015 代码字符集（不含 I、O、Z、S、V），下标即字符数值。
const CC_ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const CC_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize, Deserialize)]
pub enum CreditCodeError {
    #[error("请输入统一社会信用代码")]
    Empty,
    #[error("统一社会信用代码应为{expected}位，当前为{actual}位")]
    Length { expected: usize, actual: usize },
    #[error("统一社会信用代码第{pos}位含非法字符“{ch}”（不能包含字母 I、O、Z、S、V 或符号）")]
    InvalidChar { pos: usize, ch: char },
    #[error("统一社会信用代码第3至8位（行政区划码）应为数字")]
    RegionNotDigits,
    #[error("统一社会信用代码校验位错误")]
    CheckChar,
}

/// 统一社会信用代码（18位，已转为大写并通过校验位验证）。
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CreditCode(String);

impl CreditCode {
    pub fn parse(input: &str) -> Result<Self, CreditCodeError> {
        let (code, values) = credit_code_chars(input, 18)?;
        if CC_ALPHABET[cc_check_index(&values[..17])] != CC_ALPHABET[values[17]] {
            return Err(CreditCodeError::CheckChar);
        }
        Ok(Self(code))
    }

    /// 由前17位计算并补上校验位（用于生成演示数据）。
    pub fn from_first17(first17: &str) -> Result<Self, CreditCodeError> {
        let (mut code, values) = credit_code_chars(first17, 17)?;
        code.push(char::from(CC_ALPHABET[cc_check_index(&values)]));
        Ok(Self(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// 第3至8位：登记管理机关行政区划码。
    pub fn region_code(&self) -> &str {
        &self.0[2..8]
    }

    /// 第3至4位：省级行政区划码前缀（如 "11" 为北京）。
    pub fn province_prefix(&self) -> &str {
        &self.0[2..4]
    }
}

impl_parse_traits!(CreditCode, CreditCodeError);
impl_textual!(CreditCode);

/// 去除首尾空白、转大写，并校验长度、字符集与行政区划码；返回规范字符串及各位数值。
fn credit_code_chars(input: &str, len: usize) -> Result<(String, Vec<usize>), CreditCodeError> {
    let s = input.trim();
    if s.is_empty() {
        return Err(CreditCodeError::Empty);
    }
    let actual = s.chars().count();
    if actual != len {
        return Err(CreditCodeError::Length {
            expected: len,
            actual,
        });
    }
    let values = s
        .chars()
        .enumerate()
        .map(|(i, ch)| {
            let up = ch.to_ascii_uppercase();
            CC_ALPHABET
                .iter()
                .position(|&a| char::from(a) == up)
                .ok_or(CreditCodeError::InvalidChar { pos: i + 1, ch })
        })
        .collect::<Result<Vec<_>, _>>()?;
    if values[2..8].iter().any(|&v| v > 9) {
        return Err(CreditCodeError::RegionNotDigits);
    }
    Ok((s.to_ascii_uppercase(), values))
}

/// 校验位在字符集中的下标：31 - (加权和 mod 31)，31 记为 0。
fn cc_check_index(first17: &[usize]) -> usize {
    let sum: u32 = first17
        .iter()
        .zip(CC_WEIGHTS)
        .map(|(&v, w)| v as u32 * w)
        .sum();
    ((31 - sum % 31) % 31) as usize
}

// ---------------------------------------------------------------------------
// 居民身份证号码
// ---------------------------------------------------------------------------

const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK_CHARS: &[u8; 11] = b"10X98765432";

#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize, Deserialize)]
pub enum IdNumberError {
    #[error("请输入身份证号码")]
    Empty,
    #[error("身份证号码应为{expected}位，当前为{actual}位")]
    Length { expected: usize, actual: usize },
    #[error("身份证号码第{pos}位应为数字，当前为“{ch}”")]
    NotDigit { pos: usize, ch: char },
    #[error("身份证号码最后一位应为数字或X，当前为“{0}”")]
    InvalidLastChar(char),
    #[error("身份证号码出生日期无效")]
    InvalidBirthDate,
    #[error("身份证号码校验位错误")]
    CheckChar,
}

/// 18位居民身份证号码（末位 x 已转为大写 X）。
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IdNumber(String);

impl IdNumber {
    pub fn parse(input: &str) -> Result<Self, IdNumberError> {
        let code = id_number_chars(input, 18)?;
        if id_check_char(&code[..17]) != code.as_bytes()[17] {
            return Err(IdNumberError::CheckChar);
        }
        Ok(Self(code))
    }

    /// 由前17位计算并补上校验位（用于生成演示数据）。
    pub fn from_first17(first17: &str) -> Result<Self, IdNumberError> {
        let mut code = id_number_chars(first17, 17)?;
        code.push(char::from(id_check_char(&code)));
        Ok(Self(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// 出生日期（年, 月, 日）。
    pub fn birth_date(&self) -> (u16, u8, u8) {
        let s = &self.0;
        (
            ascii_digits_value(&s[6..10]) as u16,
            ascii_digits_value(&s[10..12]) as u8,
            ascii_digits_value(&s[12..14]) as u8,
        )
    }

    /// 第17位（顺序码末位）为奇数表示男性。
    pub fn is_male(&self) -> bool {
        (self.0.as_bytes()[16] - b'0') % 2 == 1
    }

    /// 脱敏显示：保留前4位与后4位，如 "5101**********123X"。
    pub fn masked(&self) -> String {
        format!("{}{}{}", &self.0[..4], "*".repeat(10), &self.0[14..])
    }
}

impl_parse_traits!(IdNumber, IdNumberError);
impl_textual!(IdNumber);

/// 去除首尾空白，校验长度、字符与出生日期；返回规范（末位大写）字符串。
fn id_number_chars(input: &str, len: usize) -> Result<String, IdNumberError> {
    let s = input.trim();
    if s.is_empty() {
        return Err(IdNumberError::Empty);
    }
    let actual = s.chars().count();
    if actual != len {
        return Err(IdNumberError::Length {
            expected: len,
            actual,
        });
    }
    for (i, ch) in s.chars().enumerate() {
        if i == 17 {
            if !(ch.is_ascii_digit() || ch == 'X' || ch == 'x') {
                return Err(IdNumberError::InvalidLastChar(ch));
            }
        } else if !ch.is_ascii_digit() {
            return Err(IdNumberError::NotDigit { pos: i + 1, ch });
        }
    }
    // 此时全部为 ASCII，可按字节切片。
    let (y, m, d) = (
        ascii_digits_value(&s[6..10]),
        ascii_digits_value(&s[10..12]),
        ascii_digits_value(&s[12..14]),
    );
    if !(1900..=2100).contains(&y) || !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
        return Err(IdNumberError::InvalidBirthDate);
    }
    Ok(s.to_ascii_uppercase())
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// 按 GB 11643-1999 由前17位数字计算校验码。
fn id_check_char(first17: &str) -> u8 {
    let sum: u32 = first17
        .bytes()
        .zip(ID_WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    ID_CHECK_CHARS[(sum % 11) as usize]
}

// ---------------------------------------------------------------------------
// 手机号码
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize, Deserialize)]
pub enum MobilePhoneError {
    #[error("请输入手机号码")]
    Empty,
    #[error("请输入11位手机号码")]
    Format,
    #[error("手机号码号段不正确，应以13至19开头")]
    Prefix,
}

/// 中国大陆手机号码：11位数字，以 1 开头，第二位为 3-9。
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct MobilePhone(String);

impl MobilePhone {
    pub fn parse(input: &str) -> Result<Self, MobilePhoneError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(MobilePhoneError::Empty);
        }
        let b = s.as_bytes();
        if b.len() != 11 || !b.iter().all(u8::is_ascii_digit) {
            return Err(MobilePhoneError::Format);
        }
        if b[0] != b'1' || !(b'3'..=b'9').contains(&b[1]) {
            return Err(MobilePhoneError::Prefix);
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// 脱敏显示，如 "138****5678"。
    pub fn masked(&self) -> String {
        format!("{}****{}", &self.0[..3], &self.0[7..])
    }
}

impl_parse_traits!(MobilePhone, MobilePhoneError);
impl_textual!(MobilePhone);

// ---------------------------------------------------------------------------
// IPv4 地址
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize, Deserialize)]
pub enum Ipv4Error {
    #[error("请输入IP地址")]
    Empty,
    #[error("IP地址格式不正确，应为 x.x.x.x")]
    Format,
    #[error("IP地址各段不能以0开头（如 010）")]
    LeadingZero,
    #[error("IP地址每段应在0至255之间")]
    OutOfRange,
}

/// IPv4 地址（点分十进制，严格格式）。
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Ipv4([u8; 4]);

impl Ipv4 {
    pub fn parse(input: &str) -> Result<Self, Ipv4Error> {
        let s = input.trim();
        if s.is_empty() {
            return Err(Ipv4Error::Empty);
        }
        let mut parts = s.split('.');
        let mut octets = [0u8; 4];
        for octet in &mut octets {
            let part = parts.next().ok_or(Ipv4Error::Format)?;
            if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(Ipv4Error::Format);
            }
            if part.len() > 1 && part.starts_with('0') {
                return Err(Ipv4Error::LeadingZero);
            }
            *octet = part.parse().map_err(|_| Ipv4Error::OutOfRange)?;
        }
        if parts.next().is_some() {
            return Err(Ipv4Error::Format);
        }
        Ok(Self(octets))
    }

    pub fn octets(&self) -> [u8; 4] {
        self.0
    }

    /// 私有地址：10.0.0.0/8、172.16.0.0/12、192.168.0.0/16。
    pub fn is_private(&self) -> bool {
        matches!(self.0, [10, ..] | [172, 16..=31, ..] | [192, 168, ..])
    }

    /// 回环地址：127.0.0.0/8。
    pub fn is_loopback(&self) -> bool {
        self.0[0] == 127
    }
}

impl fmt::Display for Ipv4 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [a, b, c, d] = self.0;
        write!(f, "{a}.{b}.{c}.{d}")
    }
}

impl From<Ipv4> for String {
    fn from(v: Ipv4) -> String {
        v.to_string()
    }
}

impl From<Ipv4> for std::net::Ipv4Addr {
    fn from(v: Ipv4) -> Self {
        v.0.into()
    }
}

impl_parse_traits!(Ipv4, Ipv4Error);

// ---------------------------------------------------------------------------
// 金额
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize, Deserialize)]
pub enum AmountError {
    #[error("请输入金额")]
    Empty,
    #[error("金额不能为负数")]
    Negative,
    #[error("金额格式不正确，请输入如 1234.56 或 1,234.56 的数字")]
    Format,
    #[error("金额最多保留两位小数")]
    TooManyDecimals,
    #[error("金额超出允许范围")]
    Overflow,
}

/// 非负金额，单位“分”。`Display`/序列化为 "1234.56"，`yuan_display` 为 "1,234.56"。
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(try_from = "String", into = "String")]
pub struct Amount(i64);

impl Amount {
    pub const ZERO: Amount = Amount(0);

    pub fn parse(input: &str) -> Result<Self, AmountError> {
        let s = input.trim();
        let s = s.strip_suffix('元').map_or(s, str::trim_end);
        if s.is_empty() {
            return Err(AmountError::Empty);
        }
        if s.starts_with('-') {
            return Err(AmountError::Negative);
        }
        let (int_part, frac_part) = match s.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (s, None),
        };
        if int_part.is_empty() || !int_part.bytes().all(|b| b.is_ascii_digit() || b == b',') {
            return Err(AmountError::Format);
        }
        if int_part.contains(',') {
            let mut groups = int_part.split(',');
            let first_ok = groups.next().is_some_and(|g| (1..=3).contains(&g.len()));
            if !first_ok || !groups.all(|g| g.len() == 3) {
                return Err(AmountError::Format);
            }
        }
        let frac = match frac_part {
            None => 0,
            Some(f) if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) => {
                return Err(AmountError::Format);
            }
            Some(f) if f.len() > 2 => return Err(AmountError::TooManyDecimals),
            Some(f) if f.len() == 1 => i64::from(ascii_digits_value(f)) * 10,
            Some(f) => i64::from(ascii_digits_value(f)),
        };
        let yuan = int_part
            .bytes()
            .filter(u8::is_ascii_digit)
            .try_fold(0i64, |acc, b| {
                acc.checked_mul(10)?.checked_add(i64::from(b - b'0'))
            })
            .ok_or(AmountError::Overflow)?;
        yuan.checked_mul(100)
            .and_then(|f| f.checked_add(frac))
            .map(Self)
            .ok_or(AmountError::Overflow)
    }

    /// 由“分”构造；负数返回 `None`。
    pub const fn from_fen(fen: i64) -> Option<Self> {
        if fen < 0 {
            None
        } else {
            Some(Self(fen))
        }
    }

    /// 由“万元”构造（如 5000万元 的阈值）；溢出返回 `None`。
    pub const fn from_wan_yuan(wan: u64) -> Option<Self> {
        if wan > i64::MAX as u64 {
            return None;
        }
        match (wan as i64).checked_mul(1_000_000) {
            Some(fen) => Some(Self(fen)),
            None => None,
        }
    }

    pub const fn fen(&self) -> i64 {
        self.0
    }

    /// 带千位分隔符的元金额，如 "1,234.56"。
    pub fn yuan_display(&self) -> String {
        let int = (self.0 / 100).to_string();
        let mut out = String::with_capacity(int.len() + int.len() / 3 + 3);
        for (i, ch) in int.chars().enumerate() {
            if i > 0 && (int.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(ch);
        }
        format!("{out}.{:02}", self.0 % 100)
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:02}", self.0 / 100, self.0 % 100)
    }
}

impl From<Amount> for String {
    fn from(v: Amount) -> String {
        v.to_string()
    }
}

impl_parse_traits!(Amount, AmountError);

// ---------------------------------------------------------------------------
// 密码
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize, Deserialize)]
pub enum PasswordError {
    #[error("请输入密码")]
    Empty,
    #[error("密码不能包含空格或不可见字符")]
    Whitespace,
    #[error("密码至少8位")]
    TooShort,
    #[error("密码不能超过32位")]
    TooLong,
    #[error("密码须同时包含字母和数字")]
    MissingLetterOrDigit,
}

/// 用户新设置的密码：8至32个字符，须含 ASCII 字母与数字，不含空白。
///
/// 出于安全考虑：不去除首尾空白（含空白即拒绝，避免悄悄改变密码），
/// `Debug` 只显示 `Password(***)`，不实现 `Display` 与 `Serialize`。
#[derive(Clone, Deserialize)]
#[serde(try_from = "String")]
pub struct Password(String);

impl Password {
    pub fn parse(input: &str) -> Result<Self, PasswordError> {
        if input.is_empty() {
            return Err(PasswordError::Empty);
        }
        if input.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(PasswordError::Whitespace);
        }
        match input.chars().count() {
            0..8 => return Err(PasswordError::TooShort),
            33.. => return Err(PasswordError::TooLong),
            _ => {}
        }
        let has_letter = input.chars().any(|c| c.is_ascii_alphabetic());
        let has_digit = input.chars().any(|c| c.is_ascii_digit());
        if !(has_letter && has_digit) {
            return Err(PasswordError::MissingLetterOrDigit);
        }
        Ok(Self(input.to_owned()))
    }

    /// 取出明文（仅用于哈希等必要场景）。
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

impl_parse_traits!(Password, PasswordError);

// ---------------------------------------------------------------------------
// 测试
// ---------------------------------------------------------------------------

/// A list of IPv4 addresses (comma, semicolon, space or newline separated).
pub fn ips(text: &str) -> Result<Vec<Ipv4>, String> {
    let parts: Vec<&str> = text.split([',', '，', ';', '；', ' ', '\n']).filter(|s| !s.trim().is_empty()).collect();
    if parts.is_empty() {
        return Err("请填写IP地址".into());
    }
    parts.into_iter().map(|p| Ipv4::parse(p).map_err(|e| format!("{p}：{e}"))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    // ----- 统一社会信用代码 -----

    /// 公开的真实有效代码（校验位已用独立脚本核算）。
    const VALID_CREDIT_CODES: [&str; 5] = [
        "91350100M000100Y43",
        "91110000802100433B",
        "91110108551385082Q",
        "91440300708461136T",
        "91310000717866186P",
    ];

    #[test]
    fn credit_code_valid_vectors() {
        for code in VALID_CREDIT_CODES {
            let cc = CreditCode::parse(code).unwrap_or_else(|e| panic!("{code}: {e}"));
            assert_eq!(cc.as_str(), code);
            assert_eq!(cc.to_string(), code);
        }
    }

    #[test]
    fn credit_code_trims_and_uppercases() {
        let cc = CreditCode::parse("  91350100m000100y43\n").unwrap();
        assert_eq!(cc.as_str(), "91350100M000100Y43");
        let cc: CreditCode = "91110000802100433b".parse().unwrap();
        assert_eq!(cc.as_str(), "91110000802100433B");
    }

    #[test]
    fn credit_code_region_accessors() {
        let cc = CreditCode::parse("91110108551385082Q").unwrap();
        assert_eq!(cc.region_code(), "110108");
        assert_eq!(cc.province_prefix(), "11");
        let cc = CreditCode::parse("91350100M000100Y43").unwrap();
        assert_eq!(cc.region_code(), "350100");
        assert_eq!(cc.province_prefix(), "35");
    }

    #[test]
    fn credit_code_any_single_substitution_fails_check() {
        for code in VALID_CREDIT_CODES {
            for pos in 0..18 {
                let mut bytes = code.as_bytes().to_vec();
                let v = CC_ALPHABET.iter().position(|&a| a == bytes[pos]).unwrap();
                // 行政区划位只换成其他数字，使错误确实落在校验位上。
                let modulus = if (2..8).contains(&pos) { 10 } else { 31 };
                bytes[pos] = CC_ALPHABET[(v + 1) % modulus];
                let mutated = String::from_utf8(bytes).unwrap();
                assert_eq!(
                    CreditCode::parse(&mutated),
                    Err(CreditCodeError::CheckChar),
                    "{mutated}"
                );
            }
        }
        // 具体示例：末位校验码 3 改为 4。
        assert_eq!(
            CreditCode::parse("91350100M000100Y44"),
            Err(CreditCodeError::CheckChar)
        );
    }

    #[test]
    fn credit_code_check_char_zero_case() {
        // 加权和 mod 31 == 0 时校验位为 '0'（31 记为 0）。找一个这样的前17位并验证。
        let body = (0..31)
            .map(|c| format!("9111000080210043{}", char::from(CC_ALPHABET[c])))
            .find(|b| {
                let v: Vec<usize> = b
                    .bytes()
                    .map(|x| CC_ALPHABET.iter().position(|&a| a == x).unwrap())
                    .collect();
                cc_check_index(&v) == 0
            })
            .expect("存在使校验位为0的第17位");
        let cc = CreditCode::from_first17(&body).unwrap();
        assert!(cc.as_str().ends_with('0'));
        assert_eq!(CreditCode::parse(cc.as_str()), Ok(cc));
    }

    #[test]
    fn credit_code_from_first17() {
        for code in VALID_CREDIT_CODES {
            assert_eq!(
                CreditCode::from_first17(&code[..17]).unwrap().as_str(),
                code
            );
        }
        assert_eq!(
            CreditCode::from_first17("91350100m000100y4")
                .unwrap()
                .as_str(),
            "91350100M000100Y43"
        );
        assert_eq!(
            CreditCode::from_first17("91350100M000100Y43"),
            Err(CreditCodeError::Length {
                expected: 17,
                actual: 18
            })
        );
    }

    #[test]
    fn credit_code_errors() {
        assert_eq!(CreditCode::parse("   "), Err(CreditCodeError::Empty));
        assert_eq!(
            CreditCode::parse("91350100M000100Y4"),
            Err(CreditCodeError::Length {
                expected: 18,
                actual: 17
            })
        );
        assert_eq!(
            CreditCode::parse("91350100M00010OY43"),
            Err(CreditCodeError::InvalidChar { pos: 15, ch: 'O' })
        );
        assert_eq!(
            CreditCode::parse("9135010iM000100Y43"),
            Err(CreditCodeError::InvalidChar { pos: 8, ch: 'i' })
        );
        assert_eq!(
            CreditCode::parse("91350100M000100Y4统"),
            Err(CreditCodeError::InvalidChar { pos: 18, ch: '统' })
        );
        assert_eq!(
            CreditCode::parse("9135A100M000100Y43"),
            Err(CreditCodeError::RegionNotDigits)
        );
    }

    #[test]
    fn credit_code_messages() {
        assert_eq!(CreditCodeError::Empty.to_string(), "请输入统一社会信用代码");
        assert_eq!(
            CreditCodeError::Length {
                expected: 18,
                actual: 5
            }
            .to_string(),
            "统一社会信用代码应为18位，当前为5位"
        );
        assert_eq!(
            CreditCodeError::CheckChar.to_string(),
            "统一社会信用代码校验位错误"
        );
        assert!(CreditCodeError::InvalidChar { pos: 3, ch: 'O' }
            .to_string()
            .contains("第3位含非法字符“O”"));
    }

    #[test]
    fn credit_code_serde() {
        let cc = CreditCode::parse("91350100M000100Y43").unwrap();
        let json = serde_json::to_string(&cc).unwrap();
        assert_eq!(json, "\"91350100M000100Y43\"");
        assert_eq!(serde_json::from_str::<CreditCode>(&json).unwrap(), cc);
        assert_eq!(
            serde_json::from_str::<CreditCode>("\" 91350100m000100y43 \"").unwrap(),
            cc
        );
        let err = serde_json::from_str::<CreditCode>("\"91350100M000100Y44\"").unwrap_err();
        assert!(err.to_string().contains("校验位错误"), "{err}");
        assert!(serde_json::from_str::<CreditCode>("123").is_err());
        // 错误类型本身也可序列化往返。
        let e = CreditCodeError::InvalidChar { pos: 2, ch: 'Z' };
        let back: CreditCodeError =
            serde_json::from_str(&serde_json::to_string(&e).unwrap()).unwrap();
        assert_eq!(back, e);
    }

    // ----- 身份证号码 -----

    #[test]
    fn id_number_valid_vectors() {
        // 11010519491231002X 为 GB 11643-1999 标准示例；其余为独立脚本计算所得。
        for (id, male) in [
            ("11010519491231002X", false),
            ("510101199003071238", true),
            ("440304200002290014", true),
            ("110101198001010010", true),
            ("110101200002290026", false),
        ] {
            let n = IdNumber::parse(id).unwrap_or_else(|e| panic!("{id}: {e}"));
            assert_eq!(n.as_str(), id);
            assert_eq!(n.is_male(), male, "{id}");
        }
    }

    #[test]
    fn id_number_every_check_char() {
        // 覆盖校验码表 "10X98765432" 中的每一个字符（独立脚本计算）。
        let ids = [
            "110105194912300040",
            "110105194912300091",
            "110105194912300032",
            "110105194912300083",
            "110105194912300024",
            "110105194912300075",
            "110105194912300016",
            "110105194912300067",
            "110105194912300008",
            "110105194912300059",
            "11010519491230018X",
        ];
        for id in ids {
            assert_eq!(IdNumber::from_first17(&id[..17]).unwrap().as_str(), id);
            assert!(IdNumber::parse(id).is_ok(), "{id}");
        }
    }

    #[test]
    fn id_number_any_single_substitution_fails_check() {
        let id = "11010519491231002X";
        // 出生日期以外的每一位数字改动都必须被校验位发现。
        for pos in (0..6).chain(14..17) {
            let mut b = id.as_bytes().to_vec();
            b[pos] = b'0' + (b[pos] - b'0' + 1) % 10;
            let mutated = String::from_utf8(b).unwrap();
            assert_eq!(
                IdNumber::parse(&mutated),
                Err(IdNumberError::CheckChar),
                "{mutated}"
            );
        }
        // 改动出生日期中的某一位（仍为合法日期）同样被发现。
        assert_eq!(
            IdNumber::parse("11010519491230002X"),
            Err(IdNumberError::CheckChar)
        );
    }

    #[test]
    fn id_number_lowercase_x_and_trim() {
        let n = IdNumber::parse(" 11010519491231002x ").unwrap();
        assert_eq!(n.as_str(), "11010519491231002X");
        assert_eq!(n.birth_date(), (1949, 12, 31));
    }

    #[test]
    fn id_number_from_first17_and_birth_date() {
        let n = IdNumber::from_first17("51010119900307123").unwrap();
        assert_eq!(n.as_str(), "510101199003071238");
        assert_eq!(n.birth_date(), (1990, 3, 7));
        assert_eq!(
            IdNumber::from_first17("11010519491231002")
                .unwrap()
                .as_str(),
            "11010519491231002X"
        );
        assert_eq!(
            IdNumber::from_first17("11010119000229001"),
            Err(IdNumberError::InvalidBirthDate)
        );
    }

    #[test]
    fn id_number_leap_years() {
        let leap = IdNumber::from_first17("11010120000229002").unwrap();
        assert_eq!(leap.birth_date(), (2000, 2, 29));
        assert!(IdNumber::from_first17("11010119960229001").is_ok());
        // 1900 年不是闰年：该号码校验位正确，但日期无效。
        assert_eq!(
            IdNumber::parse("110101190002290011"),
            Err(IdNumberError::InvalidBirthDate)
        );
        assert_eq!(
            IdNumber::from_first17("11010119990229001"),
            Err(IdNumberError::InvalidBirthDate)
        );
        assert_eq!(
            IdNumber::from_first17("11010121000229001"),
            Err(IdNumberError::InvalidBirthDate)
        );
    }

    #[test]
    fn id_number_date_bounds() {
        assert!(IdNumber::from_first17("11010119000101001").is_ok());
        assert!(IdNumber::from_first17("11010121001231001").is_ok());
        for bad in [
            "11010118991231001", // 早于1900
            "11010121010101001", // 晚于2100
            "11010119901301001", // 13月
            "11010119900001001", // 0月
            "11010119900100001", // 0日
            "11010119900431001", // 4月31日
        ] {
            assert_eq!(
                IdNumber::from_first17(bad),
                Err(IdNumberError::InvalidBirthDate),
                "{bad}"
            );
        }
    }

    #[test]
    fn id_number_errors() {
        assert_eq!(IdNumber::parse(""), Err(IdNumberError::Empty));
        assert_eq!(
            IdNumber::parse("1101051949123100"),
            Err(IdNumberError::Length {
                expected: 18,
                actual: 16
            })
        );
        assert_eq!(
            IdNumber::parse("1101051949A231002X"),
            Err(IdNumberError::NotDigit { pos: 11, ch: 'A' })
        );
        assert_eq!(
            IdNumber::parse("11010519491231002Y"),
            Err(IdNumberError::InvalidLastChar('Y'))
        );
        assert_eq!(
            IdNumber::parse("110105194912310021"),
            Err(IdNumberError::CheckChar)
        );
        assert_eq!(
            IdNumber::parse("510101199003071239"),
            Err(IdNumberError::CheckChar)
        );
        assert_eq!(
            IdNumberError::InvalidBirthDate.to_string(),
            "身份证号码出生日期无效"
        );
        assert_eq!(IdNumberError::CheckChar.to_string(), "身份证号码校验位错误");
    }

    #[test]
    fn id_number_masked() {
        let n = IdNumber::parse("11010519491231002X").unwrap();
        assert_eq!(n.masked(), "1101**********002X");
        let n = IdNumber::parse("510101199003071238").unwrap();
        assert_eq!(n.masked(), "5101**********1238");
        assert_eq!(n.masked().chars().count(), 18);
    }

    #[test]
    fn id_number_serde() {
        let n = IdNumber::parse("11010519491231002X").unwrap();
        let json = serde_json::to_string(&n).unwrap();
        assert_eq!(json, "\"11010519491231002X\"");
        assert_eq!(
            serde_json::from_str::<IdNumber>("\"11010519491231002x\"").unwrap(),
            n
        );
        assert!(serde_json::from_str::<IdNumber>("\"110101190002290011\"").is_err());
    }

    // ----- 手机号码 -----

    #[test]
    fn mobile_phone_valid_and_masked() {
        let p = MobilePhone::parse(" 13812345678 ").unwrap();
        assert_eq!(p.as_str(), "13812345678");
        assert_eq!(p.masked(), "138****5678");
        assert_eq!(p.to_string(), "13812345678");
        assert!(MobilePhone::parse("19900001111").is_ok());
    }

    #[test]
    fn mobile_phone_errors() {
        assert_eq!(MobilePhone::parse(" "), Err(MobilePhoneError::Empty));
        assert_eq!(
            MobilePhone::parse("1381234567"),
            Err(MobilePhoneError::Format)
        );
        assert_eq!(
            MobilePhone::parse("138123456789"),
            Err(MobilePhoneError::Format)
        );
        assert_eq!(
            MobilePhone::parse("138 1234 5678"),
            Err(MobilePhoneError::Format)
        );
        assert_eq!(
            MobilePhone::parse("1381234567a"),
            Err(MobilePhoneError::Format)
        );
        assert_eq!(
            MobilePhone::parse("12812345678"),
            Err(MobilePhoneError::Prefix)
        );
        assert_eq!(
            MobilePhone::parse("23812345678"),
            Err(MobilePhoneError::Prefix)
        );
        assert_eq!(MobilePhoneError::Format.to_string(), "请输入11位手机号码");
    }

    #[test]
    fn mobile_phone_serde() {
        let p = MobilePhone::parse("13812345678").unwrap();
        assert_eq!(serde_json::to_string(&p).unwrap(), "\"13812345678\"");
        assert_eq!(
            serde_json::from_str::<MobilePhone>("\"13812345678\"").unwrap(),
            p
        );
        assert!(serde_json::from_str::<MobilePhone>("\"12812345678\"").is_err());
    }

    // ----- IPv4 -----

    #[test]
    fn ipv4_valid() {
        let ip = Ipv4::parse(" 192.168.1.10 ").unwrap();
        assert_eq!(ip.octets(), [192, 168, 1, 10]);
        assert_eq!(ip.to_string(), "192.168.1.10");
        assert_eq!(Ipv4::parse("0.0.0.0").unwrap().octets(), [0; 4]);
        assert_eq!(Ipv4::parse("255.255.255.255").unwrap().octets(), [255; 4]);
        assert_eq!(
            std::net::Ipv4Addr::from(ip),
            std::net::Ipv4Addr::new(192, 168, 1, 10)
        );
    }

    #[test]
    fn ipv4_errors() {
        assert_eq!(Ipv4::parse(""), Err(Ipv4Error::Empty));
        for bad in [
            "1.2.3",
            "1.2.3.4.5",
            "1..3.4",
            "1.2.3.",
            ".1.2.3",
            "1.2. 3.4",
            "1.2.3.4a",
            "+1.2.3.4",
            "a.b.c.d",
        ] {
            assert_eq!(Ipv4::parse(bad), Err(Ipv4Error::Format), "{bad}");
        }
        assert_eq!(Ipv4::parse("10.010.0.1"), Err(Ipv4Error::LeadingZero));
        assert_eq!(Ipv4::parse("00.1.1.1"), Err(Ipv4Error::LeadingZero));
        assert_eq!(Ipv4::parse("1.2.3.256"), Err(Ipv4Error::OutOfRange));
        assert_eq!(Ipv4::parse("1.2.3.99999"), Err(Ipv4Error::OutOfRange));
        assert_eq!(
            Ipv4Error::Format.to_string(),
            "IP地址格式不正确，应为 x.x.x.x"
        );
    }

    #[test]
    fn ipv4_classification() {
        let p = |s: &str| Ipv4::parse(s).unwrap();
        assert!(p("10.1.2.3").is_private());
        assert!(p("172.16.0.1").is_private());
        assert!(p("172.31.255.255").is_private());
        assert!(!p("172.15.0.1").is_private());
        assert!(!p("172.32.0.1").is_private());
        assert!(p("192.168.0.1").is_private());
        assert!(!p("192.169.0.1").is_private());
        assert!(!p("8.8.8.8").is_private());
        assert!(p("127.0.0.1").is_loopback());
        assert!(p("127.255.0.1").is_loopback());
        assert!(!p("128.0.0.1").is_loopback());
    }

    #[test]
    fn ipv4_serde() {
        let ip = Ipv4::parse("10.0.0.1").unwrap();
        assert_eq!(serde_json::to_string(&ip).unwrap(), "\"10.0.0.1\"");
        assert_eq!(serde_json::from_str::<Ipv4>("\"10.0.0.1\"").unwrap(), ip);
        assert!(serde_json::from_str::<Ipv4>("\"10.0.0.01\"").is_err());
    }

    // ----- 金额 -----

    #[test]
    fn amount_valid_forms() {
        let fen = |s: &str| {
            Amount::parse(s)
                .unwrap_or_else(|e| panic!("{s}: {e}"))
                .fen()
        };
        assert_eq!(fen("1234"), 123_400);
        assert_eq!(fen("1234.5"), 123_450);
        assert_eq!(fen("1234.56"), 123_456);
        assert_eq!(fen("1,234.56"), 123_456);
        assert_eq!(fen("1,234,567"), 123_456_700);
        assert_eq!(fen("0.05"), 5);
        assert_eq!(fen("0"), 0);
        assert_eq!(fen(" 1234.56元 "), 123_456);
        assert_eq!(fen("1,000 元"), 100_000);
        assert_eq!(fen("92233720368547758.07"), i64::MAX);
    }

    #[test]
    fn amount_errors() {
        assert_eq!(Amount::parse(""), Err(AmountError::Empty));
        assert_eq!(Amount::parse("元"), Err(AmountError::Empty));
        assert_eq!(Amount::parse("-1"), Err(AmountError::Negative));
        assert_eq!(Amount::parse("1.234"), Err(AmountError::TooManyDecimals));
        for bad in [
            "abc",
            "12a",
            "1.",
            ".5",
            "1.2.3",
            "1.-5",
            "1,23",
            "12,3456",
            ",123",
            "1234,567",
            "1,234.5,6",
            "+5",
            "1 234",
            "1,,234",
            "1,234,",
        ] {
            assert_eq!(Amount::parse(bad), Err(AmountError::Format), "{bad}");
        }
        assert_eq!(
            Amount::parse("92233720368547758.08"),
            Err(AmountError::Overflow)
        );
        assert_eq!(
            Amount::parse("99999999999999999999"),
            Err(AmountError::Overflow)
        );
    }

    #[test]
    fn amount_display_and_constructors() {
        let a = Amount::parse("1234567.8").unwrap();
        assert_eq!(a.to_string(), "1234567.80");
        assert_eq!(a.yuan_display(), "1,234,567.80");
        assert_eq!(Amount::from_fen(5).unwrap().yuan_display(), "0.05");
        assert_eq!(
            Amount::from_fen(123_456).unwrap().yuan_display(),
            "1,234.56"
        );
        assert_eq!(
            Amount::from_fen(100_000).unwrap().yuan_display(),
            "1,000.00"
        );
        assert_eq!(Amount::from_fen(99_999).unwrap().yuan_display(), "999.99");
        assert_eq!(Amount::from_fen(-1), None);
        assert_eq!(Amount::ZERO.to_string(), "0.00");
        let wan5000 = Amount::from_wan_yuan(5000).unwrap();
        assert_eq!(wan5000.fen(), 5_000_000_000);
        assert_eq!(wan5000.yuan_display(), "50,000,000.00");
        assert_eq!(Amount::from_wan_yuan(u64::MAX), None);
        assert_eq!(Amount::from_wan_yuan(10_000_000_000_000), None);
        // 显示结果可被重新解析。
        assert_eq!(Amount::parse(&a.yuan_display()), Ok(a));
        assert_eq!(Amount::parse(&a.to_string()), Ok(a));
    }

    #[test]
    fn amount_ordering() {
        const THRESHOLD: Amount = Amount::from_wan_yuan(5000).unwrap();
        assert!(Amount::parse("50,000,000.01").unwrap() > THRESHOLD);
        assert!(Amount::parse("49999999.99").unwrap() < THRESHOLD);
        assert_eq!(
            Amount::parse("50000000").unwrap().cmp(&THRESHOLD),
            std::cmp::Ordering::Equal
        );
    }

    #[test]
    fn amount_serde() {
        let a = Amount::parse("1,234.5").unwrap();
        assert_eq!(serde_json::to_string(&a).unwrap(), "\"1234.50\"");
        assert_eq!(serde_json::from_str::<Amount>("\"1,234.50\"").unwrap(), a);
        assert!(serde_json::from_str::<Amount>("\"-1\"").is_err());
        assert!(serde_json::from_str::<Amount>("\"1.234\"").is_err());
    }

    // ----- 密码 -----

    #[test]
    fn password_valid() {
        let p = Password::parse("abc12345").unwrap();
        assert_eq!(p.expose(), "abc12345");
        assert!(Password::parse(&format!("a1{}", "x".repeat(30))).is_ok()); // 恰好32位
        assert!(Password::parse("P@ssw0rd!").is_ok());
    }

    #[test]
    fn password_errors() {
        assert_eq!(Password::parse("").unwrap_err(), PasswordError::Empty);
        assert_eq!(
            Password::parse("abc1234").unwrap_err(),
            PasswordError::TooShort
        );
        assert_eq!(
            Password::parse(&format!("a1{}", "x".repeat(31))).unwrap_err(),
            PasswordError::TooLong
        );
        assert_eq!(
            Password::parse("abc 12345").unwrap_err(),
            PasswordError::Whitespace
        );
        assert_eq!(
            Password::parse(" abc12345").unwrap_err(),
            PasswordError::Whitespace
        );
        assert_eq!(
            Password::parse("abcdefgh").unwrap_err(),
            PasswordError::MissingLetterOrDigit
        );
        assert_eq!(
            Password::parse("12345678").unwrap_err(),
            PasswordError::MissingLetterOrDigit
        );
        // 全角字母/数字不算 ASCII 字母/数字。
        assert_eq!(
            Password::parse("ａｂｃ１２３４５").unwrap_err(),
            PasswordError::MissingLetterOrDigit
        );
        assert_eq!(PasswordError::TooShort.to_string(), "密码至少8位");
        assert_eq!(
            PasswordError::MissingLetterOrDigit.to_string(),
            "密码须同时包含字母和数字"
        );
    }

    #[test]
    fn password_length_counts_chars_not_bytes() {
        // 8个字符（含中文）满足最少8位；32个中文加字母数字超出上限。
        assert!(Password::parse("密码a1密码a1").is_ok());
        assert_eq!(
            Password::parse(&format!("a1{}", "密".repeat(31))).unwrap_err(),
            PasswordError::TooLong
        );
    }

    #[test]
    fn password_debug_hides_secret() {
        let p = Password::parse("secret123").unwrap();
        let dbg = format!("{p:?}");
        assert_eq!(dbg, "Password(***)");
        assert!(!dbg.contains("secret"));
    }

    #[test]
    fn password_deserialize_via_parse() {
        let p: Password = serde_json::from_str("\"abc12345\"").unwrap();
        assert_eq!(p.expose(), "abc12345");
        let err = serde_json::from_str::<Password>("\"short1\"").unwrap_err();
        assert!(err.to_string().contains("密码至少8位"), "{err}");
        assert!(serde_json::from_str::<Password>("\"abcdefghij\"").is_err());
    }
}
