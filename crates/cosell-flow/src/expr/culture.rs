//! Cultures for number and date formatting and parsing: one row per locale, .NET's data for it.
//!
//! The runtime formats with `en-US` when no locale is given. Only the rows below are known;
//! another locale is an error rather than a silent fallback (UNCERTAIN: which locales flows use
//! in practice; add a row to support one).

/// What formatting needs to know about one culture.
#[derive(Debug)]
pub(crate) struct Culture {
    /// Lowercase, as looked up (`""` is the invariant culture).
    pub name: &'static str,
    pub decimal: &'static str,
    pub group: &'static str,
    pub currency: &'static str,
    /// .NET `CurrencyPositivePattern`: 0 `$n`, 1 `n$`, 2 `$ n`, 3 `n $`.
    pub currency_positive: u8,
    /// .NET `CurrencyNegativePattern` (the few used): 0 `($n)`, 1 `-$n`, 5 `-n$`, 8 `-n $`, 12 `$ -n`.
    pub currency_negative: u8,
    /// .NET `PercentPositivePattern`: 0 `n %`, 1 `n%`.
    pub percent_positive: u8,
    pub months: [&'static str; 12],
    pub months_abbr: [&'static str; 12],
    pub days: [&'static str; 7],
    pub days_abbr: [&'static str; 7],
    pub am: &'static str,
    pub pm: &'static str,
    pub date_separator: &'static str,
    pub time_separator: &'static str,
    /// Standard date patterns: `d`, `D`, `t`, `T`, `M`, `Y`.
    pub short_date: &'static str,
    pub long_date: &'static str,
    pub short_time: &'static str,
    pub long_time: &'static str,
    pub month_day: &'static str,
    pub year_month: &'static str,
}

const EN_MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const EN_MONTHS_ABBR: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const EN_DAYS: [&str; 7] = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const EN_DAYS_ABBR: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

const INVARIANT: Culture = Culture {
    name: "",
    decimal: ".",
    group: ",",
    currency: "¤",
    currency_positive: 0,
    currency_negative: 0,
    percent_positive: 0,
    months: EN_MONTHS,
    months_abbr: EN_MONTHS_ABBR,
    days: EN_DAYS,
    days_abbr: EN_DAYS_ABBR,
    am: "AM",
    pm: "PM",
    date_separator: "/",
    time_separator: ":",
    short_date: "MM/dd/yyyy",
    long_date: "dddd, dd MMMM yyyy",
    short_time: "HH:mm",
    long_time: "HH:mm:ss",
    month_day: "MMMM dd",
    year_month: "yyyy MMMM",
};

const EN_US: Culture = Culture {
    name: "en-us",
    currency: "$",
    currency_negative: 1,
    percent_positive: 1,
    short_date: "M/d/yyyy",
    long_date: "dddd, MMMM d, yyyy",
    short_time: "h:mm tt",
    long_time: "h:mm:ss tt",
    month_day: "MMMM d",
    year_month: "MMMM yyyy",
    ..INVARIANT
};

const CULTURES: &[Culture] = &[
    INVARIANT,
    EN_US,
    Culture {
        name: "en-gb",
        currency: "£",
        currency_negative: 1,
        percent_positive: 1,
        am: "am",
        pm: "pm",
        short_date: "dd/MM/yyyy",
        long_date: "dddd, d MMMM yyyy",
        short_time: "HH:mm",
        long_time: "HH:mm:ss",
        month_day: "d MMMM",
        year_month: "MMMM yyyy",
        ..INVARIANT
    },
];

/// The culture for a locale argument (case-insensitive; none means `en-US`).
pub(crate) fn find(locale: Option<&str>) -> Result<&'static Culture, String> {
    let Some(locale) = locale else { return Ok(&EN_US) };
    let wanted = locale.to_ascii_lowercase().replace('_', "-");
    CULTURES.iter().find(|c| c.name == wanted).ok_or_else(|| {
        let known: Vec<&str> = CULTURES.iter().map(|c| c.name).filter(|n| !n.is_empty()).collect();
        format!("the locale '{locale}' is not supported (known: {})", known.join(", "))
    })
}

impl Culture {
    /// Parses a number written in this culture (group separators allowed, as .NET's
    /// `NumberStyles.Float | AllowThousands`).
    pub(crate) fn parse_number(&self, text: &str) -> Option<f64> {
        let text = text.trim();
        let cleaned = text.replace(self.group, "").replace(self.decimal, ".");
        if cleaned.is_empty() || cleaned.contains(char::is_whitespace) {
            return None;
        }
        let valid = cleaned.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'));
        let lower = cleaned.to_ascii_lowercase();
        if !valid || lower.contains("inf") || lower.contains("nan") {
            return None;
        }
        cleaned.parse::<f64>().ok().filter(|f| f.is_finite())
    }
}
