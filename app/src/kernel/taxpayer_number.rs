//! 纳税人识别号 as the enterprise login takes it (etax-login-guide §1.4: "输入社会信用代码或识别号、
//! 密码、验证码"): the 18-character 统一社会信用代码, or an older or individual-business
//! 纳税人识别号 — 15 characters (6-digit 行政区划码 + 9-character 组织机构代码, GB 11714 check
//! character), 17 (a 15-digit 居民身份证号码 + 2 digits), 18 (a 居民身份证号码, GB 11643) or 20
//! (an 18-character 居民身份证号码 + 2 digits).

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::kernel::{CreditCode, IdNumber};

#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize, Deserialize)]
pub enum TaxpayerNumberError {
    #[error("请输入统一社会信用代码或纳税人识别号")]
    Empty,
    #[error("统一社会信用代码或纳税人识别号应为15、17、18或20位，当前为{0}位")]
    Length(usize),
    #[error("{0}")]
    CreditCode(String),
    #[error("纳税人识别号格式不正确（{0}）")]
    Invalid(&'static str),
}

/// A login code: the credit code, or another form of 纳税人识别号.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TaxpayerNumber {
    CreditCode(CreditCode),
    /// 15, 17, 18 (ID number) or 20 characters, upper-cased.
    Other(String),
}

const ORG_WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];

/// GB 11714 组织机构代码 check character of the first 8 characters.
fn org_code_check(first8: &str) -> Option<char> {
    let mut sum = 0;
    for (c, w) in first8.chars().zip(ORG_WEIGHTS) {
        let v = match c {
            '0'..='9' => c as u32 - '0' as u32,
            'A'..='Z' => c as u32 - 'A' as u32 + 10,
            _ => return None,
        };
        sum += v * w;
    }
    Some(match 11 - sum % 11 {
        10 => 'X',
        11 => '0',
        n => char::from_digit(n, 10).unwrap_or('0'),
    })
}

fn digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

impl TaxpayerNumber {
    pub fn parse(input: &str) -> Result<Self, TaxpayerNumberError> {
        let s = input.trim().to_ascii_uppercase();
        if s.is_empty() {
            return Err(TaxpayerNumberError::Empty);
        }
        if !s.is_ascii() {
            return Err(TaxpayerNumberError::Invalid("只能包含数字和字母"));
        }
        match s.len() {
            15 => {
                if !digits(&s[..6]) {
                    return Err(TaxpayerNumberError::Invalid("前6位应为行政区划码"));
                }
                if org_code_check(&s[6..14]) != s[14..].chars().next() {
                    return Err(TaxpayerNumberError::Invalid("组织机构代码校验位错误"));
                }
                Ok(Self::Other(s))
            }
            17 => {
                // A 15-digit 居民身份证号码 (YYMMDD birth date) and 2 digits.
                let (m, d) = (&s[8..10], &s[10..12]);
                let ok = digits(&s) && matches!(m.parse::<u32>(), Ok(1..=12)) && matches!(d.parse::<u32>(), Ok(1..=31));
                if ok { Ok(Self::Other(s)) } else { Err(TaxpayerNumberError::Invalid("应为15位居民身份证号码加2位数字")) }
            }
            18 => {
                if let Ok(c) = CreditCode::parse(&s) {
                    return Ok(Self::CreditCode(c));
                }
                if IdNumber::parse(&s).is_ok() {
                    return Ok(Self::Other(s));
                }
                // Most 18-character codes are credit codes: say what is wrong with it as one.
                Err(TaxpayerNumberError::CreditCode(CreditCode::parse(&s).map(|_| ()).unwrap_err().to_string()))
            }
            20 => {
                if IdNumber::parse(&s[..18]).is_ok() && digits(&s[18..]) {
                    Ok(Self::Other(s))
                } else {
                    Err(TaxpayerNumberError::Invalid("应为18位居民身份证号码加2位数字"))
                }
            }
            n => Err(TaxpayerNumberError::Length(n)),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Self::CreditCode(c) => c.as_str(),
            Self::Other(s) => s,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credit_codes_and_every_length_of_taxpayer_number_parse() {
        assert!(matches!(TaxpayerNumber::parse(" 91510104ma6clq001t "), Ok(TaxpayerNumber::CreditCode(c)) if c.as_str() == "91510104MA6CLQ001T"));
        // 15: 行政区划码 + 组织机构代码 with its check character
        assert_eq!(TaxpayerNumber::parse("510100MA6CLQ039").unwrap().as_str(), "510100MA6CLQ039");
        assert!(TaxpayerNumber::parse("510100MA6CLQ038").unwrap_err().to_string().contains("校验位"));
        // 17: a 15-digit ID number + 2 digits
        assert!(TaxpayerNumber::parse("15010580080802401").is_ok());
        assert!(TaxpayerNumber::parse("15010580130802401").is_err(), "month 13");
        // 18: an ID number (individual business)
        let id = IdNumber::from_first17("15010519800808024").unwrap();
        assert!(matches!(TaxpayerNumber::parse(id.as_str()), Ok(TaxpayerNumber::Other(_))));
        // 20: an ID number + 2 digits
        let twenty = format!("{}01", id.as_str());
        assert_eq!(TaxpayerNumber::parse(&twenty).unwrap().as_str(), twenty);
        assert!(TaxpayerNumber::parse(&format!("{}0A", id.as_str())).is_err());
        assert_eq!(TaxpayerNumber::parse("1234").unwrap_err(), TaxpayerNumberError::Length(4));
        assert_eq!(TaxpayerNumber::parse("").unwrap_err().to_string(), "请输入统一社会信用代码或纳税人识别号");
    }

    /// The application pack's invalid credit codes and ID number are refused as login codes too.
    #[test]
    fn the_sample_packs_invalid_codes_are_refused() {
        assert_eq!(TaxpayerNumber::parse("9161252LQ1136652JR").unwrap_err().to_string(), "统一社会信用代码第3至8位（行政区划码）应为数字");
        assert!(TaxpayerNumber::parse("916155ZL22511194LQ").unwrap_err().to_string().contains("非法字符“Z”"));
        assert!(TaxpayerNumber::parse("315268198025995201").is_err(), "not a valid ID number either");
    }
}
