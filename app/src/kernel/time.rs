use serde::{Deserialize, Serialize};

/// Milliseconds since the Unix epoch (UTC). The domain never reads a clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Timestamp(pub i64);

impl Timestamp {
    pub const fn millis(self) -> i64 {
        self.0
    }
    pub const fn plus_secs(self, secs: i64) -> Self {
        Timestamp(self.0 + secs * 1000)
    }
    pub const fn plus_mins(self, mins: i64) -> Self {
        self.plus_secs(mins * 60)
    }
    /// Whole seconds from `self` until `later`, rounded up, never negative.
    pub fn secs_until(self, later: Timestamp) -> i64 {
        ((later.0 - self.0).max(0) + 999) / 1000
    }
    /// China Standard Time (UTC+8) as "YYYY-MM-DD HH:MM:SS".
    pub fn beijing_time(self) -> String {
        let secs = self.0.div_euclid(1000) + 8 * 3600;
        let days = secs.div_euclid(86_400);
        let rem = secs.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        format!("{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}", rem / 3600, rem % 3600 / 60, rem % 60)
    }
}

impl Timestamp {
    /// Midnight (Beijing time) of a "YYYY-MM-DD" date; None when it is not a real date.
    pub fn parse_beijing_date(s: &str) -> Option<Timestamp> {
        let s = s.trim();
        let mut parts = s.split('-');
        let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return None;
        }
        let (y, m, d): (i64, u32, u32) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
        if !(1970..=9999).contains(&y) || !(1..=12).contains(&m) || d == 0 {
            return None;
        }
        let days = days_from_civil(y, m, d);
        // Reject 02-30 and the like: the day must map back to itself.
        if civil_from_days(days) != (y, m, d) {
            return None;
        }
        Some(Timestamp((days * 86_400 - 8 * 3600) * 1000))
    }
}

/// Howard Hinnant's civil-to-days algorithm.
pub(crate) fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Howard Hinnant's days-to-civil algorithm.
pub(crate) fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// A calendar day in Beijing time (days since 1970-01-01).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Day(pub i64);

impl Day {
    /// "YYYY-MM-DD"; None when it is not a real date.
    pub fn parse(s: &str) -> Option<Day> {
        Timestamp::parse_beijing_date(s).map(Day::of)
    }
    /// The Beijing calendar day of a moment.
    pub fn of(t: Timestamp) -> Day {
        Day((t.0.div_euclid(1000) + 8 * 3600).div_euclid(86_400))
    }
    /// Midnight (Beijing) at the start of this day.
    pub fn start(self) -> Timestamp {
        Timestamp((self.0 * 86_400 - 8 * 3600) * 1000)
    }
    pub fn plus_days(self, n: i64) -> Day {
        Day(self.0 + n)
    }
    /// The same day `n` months later (earlier when negative), clamped to the month's end.
    pub fn plus_months(self, n: i64) -> Day {
        let (y, m, d) = civil_from_days(self.0);
        let total = y * 12 + (m as i64 - 1) + n;
        let (y, m) = (total.div_euclid(12), total.rem_euclid(12) as u32 + 1);
        Day(days_from_civil(y, m, d.min(days_in_month(y, m))))
    }
    pub fn plus_years(self, n: i64) -> Day {
        self.plus_months(12 * n)
    }
    /// Whole days from `self` to `later` (negative when `later` is earlier).
    pub fn days_until(self, later: Day) -> i64 {
        later.0 - self.0
    }
}

impl std::fmt::Display for Day {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (y, m, d) = civil_from_days(self.0);
        write!(f, "{y:04}-{m:02}-{d:02}")
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn beijing_time_is_utc_plus_eight() {
        // 2024-11-20T00:00:00Z
        assert_eq!(Timestamp(1_732_060_800_000).beijing_time(), "2024-11-20 08:00:00");
        // 2024-02-29T16:30:05Z crosses midnight in Beijing
        assert_eq!(Timestamp(1_709_224_205_000).beijing_time(), "2024-03-01 00:30:05");
    }

    #[test]
    fn beijing_dates_parse_to_their_midnight() {
        let t = Timestamp::parse_beijing_date("2024-11-20").unwrap();
        assert_eq!(t.beijing_time(), "2024-11-20 00:00:00");
        assert_eq!(Timestamp::parse_beijing_date("2024-02-29").unwrap().beijing_time(), "2024-02-29 00:00:00");
        for bad in ["2023-02-29", "2024-13-01", "2024-1-01", "x", "", "2024-11-20-1"] {
            assert_eq!(Timestamp::parse_beijing_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn secs_until_rounds_up_and_floors_at_zero() {
        let t = Timestamp(1_000);
        assert_eq!(t.secs_until(Timestamp(1_001)), 1);
        assert_eq!(t.secs_until(Timestamp(61_000)), 60);
        assert_eq!(t.secs_until(Timestamp(0)), 0);
    }
}
