//! Time zones by Windows id, as the date functions name them (`Pacific Standard Time`).
//!
//! Why a table and a tz database: the runtime runs on Windows and converts with .NET's
//! `TimeZoneInfo` over the Windows registry zones; the only portable source of the same rules is
//! the IANA database, reached through CLDR's Windows→IANA mapping (`windowsZones.xml`, territory
//! `001`, the "golden" zone of each Windows id). The database is bundled (jiff's
//! `tzdb-bundle-always`) so results do not depend on the machine's `/usr/share/zoneinfo`.
//! UNCERTAIN: where Windows and IANA history differ for a zone (rare, mostly before 2000), the
//! result follows IANA.

use jiff::tz::{AmbiguousOffset, TimeZone};
use jiff::{civil, Timestamp};

use super::{Kind, Stamp, TICKS_PER_SECOND};

/// Windows id → IANA id (CLDR windowsZones.xml, territory 001).
const WINDOWS_ZONES: &[(&str, &str)] = &[
    ("Dateline Standard Time", "Etc/GMT+12"),
    ("UTC-11", "Etc/GMT+11"),
    ("Aleutian Standard Time", "America/Adak"),
    ("Hawaiian Standard Time", "Pacific/Honolulu"),
    ("Marquesas Standard Time", "Pacific/Marquesas"),
    ("Alaskan Standard Time", "America/Anchorage"),
    ("UTC-09", "Etc/GMT+9"),
    ("Pacific Standard Time (Mexico)", "America/Tijuana"),
    ("UTC-08", "Etc/GMT+8"),
    ("Pacific Standard Time", "America/Los_Angeles"),
    ("US Mountain Standard Time", "America/Phoenix"),
    ("Mountain Standard Time (Mexico)", "America/Mazatlan"),
    ("Mountain Standard Time", "America/Denver"),
    ("Yukon Standard Time", "America/Whitehorse"),
    ("Central America Standard Time", "America/Guatemala"),
    ("Central Standard Time", "America/Chicago"),
    ("Easter Island Standard Time", "Pacific/Easter"),
    ("Central Standard Time (Mexico)", "America/Mexico_City"),
    ("Canada Central Standard Time", "America/Regina"),
    ("SA Pacific Standard Time", "America/Bogota"),
    ("Eastern Standard Time (Mexico)", "America/Cancun"),
    ("Eastern Standard Time", "America/New_York"),
    ("Haiti Standard Time", "America/Port-au-Prince"),
    ("Cuba Standard Time", "America/Havana"),
    ("US Eastern Standard Time", "America/Indianapolis"),
    ("Turks And Caicos Standard Time", "America/Grand_Turk"),
    ("Paraguay Standard Time", "America/Asuncion"),
    ("Atlantic Standard Time", "America/Halifax"),
    ("Venezuela Standard Time", "America/Caracas"),
    ("Central Brazilian Standard Time", "America/Cuiaba"),
    ("SA Western Standard Time", "America/La_Paz"),
    ("Pacific SA Standard Time", "America/Santiago"),
    ("Newfoundland Standard Time", "America/St_Johns"),
    ("Tocantins Standard Time", "America/Araguaina"),
    ("E. South America Standard Time", "America/Sao_Paulo"),
    ("SA Eastern Standard Time", "America/Cayenne"),
    ("Argentina Standard Time", "America/Buenos_Aires"),
    ("Greenland Standard Time", "America/Godthab"),
    ("Montevideo Standard Time", "America/Montevideo"),
    ("Magallanes Standard Time", "America/Punta_Arenas"),
    ("Saint Pierre Standard Time", "America/Miquelon"),
    ("Bahia Standard Time", "America/Bahia"),
    ("UTC-02", "Etc/GMT+2"),
    ("Mid-Atlantic Standard Time", "Etc/GMT+2"),
    ("Azores Standard Time", "Atlantic/Azores"),
    ("Cape Verde Standard Time", "Atlantic/Cape_Verde"),
    ("UTC", "Etc/UTC"),
    ("Coordinated Universal Time", "Etc/UTC"),
    ("GMT Standard Time", "Europe/London"),
    ("Greenwich Standard Time", "Atlantic/Reykjavik"),
    ("Sao Tome Standard Time", "Africa/Sao_Tome"),
    ("Morocco Standard Time", "Africa/Casablanca"),
    ("W. Europe Standard Time", "Europe/Berlin"),
    ("Central Europe Standard Time", "Europe/Budapest"),
    ("Romance Standard Time", "Europe/Paris"),
    ("Central European Standard Time", "Europe/Warsaw"),
    ("W. Central Africa Standard Time", "Africa/Lagos"),
    ("Jordan Standard Time", "Asia/Amman"),
    ("GTB Standard Time", "Europe/Bucharest"),
    ("Middle East Standard Time", "Asia/Beirut"),
    ("Egypt Standard Time", "Africa/Cairo"),
    ("E. Europe Standard Time", "Europe/Chisinau"),
    ("Syria Standard Time", "Asia/Damascus"),
    ("West Bank Standard Time", "Asia/Hebron"),
    ("South Africa Standard Time", "Africa/Johannesburg"),
    ("FLE Standard Time", "Europe/Kiev"),
    ("Israel Standard Time", "Asia/Jerusalem"),
    ("South Sudan Standard Time", "Africa/Juba"),
    ("Kaliningrad Standard Time", "Europe/Kaliningrad"),
    ("Sudan Standard Time", "Africa/Khartoum"),
    ("Libya Standard Time", "Africa/Tripoli"),
    ("Namibia Standard Time", "Africa/Windhoek"),
    ("Arabic Standard Time", "Asia/Baghdad"),
    ("Turkey Standard Time", "Europe/Istanbul"),
    ("Arab Standard Time", "Asia/Riyadh"),
    ("Belarus Standard Time", "Europe/Minsk"),
    ("Russian Standard Time", "Europe/Moscow"),
    ("E. Africa Standard Time", "Africa/Nairobi"),
    ("Volgograd Standard Time", "Europe/Volgograd"),
    ("Iran Standard Time", "Asia/Tehran"),
    ("Arabian Standard Time", "Asia/Dubai"),
    ("Astrakhan Standard Time", "Europe/Astrakhan"),
    ("Azerbaijan Standard Time", "Asia/Baku"),
    ("Russia Time Zone 3", "Europe/Samara"),
    ("Mauritius Standard Time", "Indian/Mauritius"),
    ("Saratov Standard Time", "Europe/Saratov"),
    ("Georgian Standard Time", "Asia/Tbilisi"),
    ("Caucasus Standard Time", "Asia/Yerevan"),
    ("Afghanistan Standard Time", "Asia/Kabul"),
    ("West Asia Standard Time", "Asia/Tashkent"),
    ("Qyzylorda Standard Time", "Asia/Qyzylorda"),
    ("Ekaterinburg Standard Time", "Asia/Yekaterinburg"),
    ("Pakistan Standard Time", "Asia/Karachi"),
    ("India Standard Time", "Asia/Calcutta"),
    ("Sri Lanka Standard Time", "Asia/Colombo"),
    ("Nepal Standard Time", "Asia/Katmandu"),
    ("Central Asia Standard Time", "Asia/Bishkek"),
    ("Bangladesh Standard Time", "Asia/Dhaka"),
    ("Omsk Standard Time", "Asia/Omsk"),
    ("Myanmar Standard Time", "Asia/Rangoon"),
    ("SE Asia Standard Time", "Asia/Bangkok"),
    ("Altai Standard Time", "Asia/Barnaul"),
    ("W. Mongolia Standard Time", "Asia/Hovd"),
    ("North Asia Standard Time", "Asia/Krasnoyarsk"),
    ("N. Central Asia Standard Time", "Asia/Novosibirsk"),
    ("Tomsk Standard Time", "Asia/Tomsk"),
    ("China Standard Time", "Asia/Shanghai"),
    ("North Asia East Standard Time", "Asia/Irkutsk"),
    ("Singapore Standard Time", "Asia/Singapore"),
    ("W. Australia Standard Time", "Australia/Perth"),
    ("Taipei Standard Time", "Asia/Taipei"),
    ("Ulaanbaatar Standard Time", "Asia/Ulaanbaatar"),
    ("Aus Central W. Standard Time", "Australia/Eucla"),
    ("Transbaikal Standard Time", "Asia/Chita"),
    ("Tokyo Standard Time", "Asia/Tokyo"),
    ("North Korea Standard Time", "Asia/Pyongyang"),
    ("Korea Standard Time", "Asia/Seoul"),
    ("Yakutsk Standard Time", "Asia/Yakutsk"),
    ("Cen. Australia Standard Time", "Australia/Adelaide"),
    ("AUS Central Standard Time", "Australia/Darwin"),
    ("E. Australia Standard Time", "Australia/Brisbane"),
    ("AUS Eastern Standard Time", "Australia/Sydney"),
    ("West Pacific Standard Time", "Pacific/Port_Moresby"),
    ("Tasmania Standard Time", "Australia/Hobart"),
    ("Vladivostok Standard Time", "Asia/Vladivostok"),
    ("Lord Howe Standard Time", "Australia/Lord_Howe"),
    ("Bougainville Standard Time", "Pacific/Bougainville"),
    ("Russia Time Zone 10", "Asia/Srednekolymsk"),
    ("Magadan Standard Time", "Asia/Magadan"),
    ("Norfolk Standard Time", "Pacific/Norfolk"),
    ("Sakhalin Standard Time", "Asia/Sakhalin"),
    ("Central Pacific Standard Time", "Pacific/Guadalcanal"),
    ("Russia Time Zone 11", "Asia/Kamchatka"),
    ("New Zealand Standard Time", "Pacific/Auckland"),
    ("UTC+12", "Etc/GMT-12"),
    ("Fiji Standard Time", "Pacific/Fiji"),
    ("Kamchatka Standard Time", "Asia/Kamchatka"),
    ("Chatham Islands Standard Time", "Pacific/Chatham"),
    ("UTC+13", "Etc/GMT-13"),
    ("Tonga Standard Time", "Pacific/Tongatapu"),
    ("Samoa Standard Time", "Pacific/Apia"),
    ("Line Islands Standard Time", "Pacific/Kiritimati"),
];

/// The zone for a Windows id (case-insensitive, as .NET's `FindSystemTimeZoneById` on Windows).
pub(crate) fn find(windows_id: &str) -> Result<TimeZone, String> {
    let iana = WINDOWS_ZONES
        .iter()
        .find(|(id, _)| id.eq_ignore_ascii_case(windows_id.trim()))
        .map(|(_, iana)| *iana)
        .ok_or_else(|| {
        format!("'{windows_id}' is not a Windows time zone id (for example 'Pacific Standard Time')")
    })?;
    jiff::tz::db().get(iana).map_err(|e| format!("the time zone '{windows_id}' ({iana}) is not in the database: {e}"))
}

/// Every Windows id the table knows.
#[cfg(test)]
pub(crate) fn windows_ids() -> impl Iterator<Item = &'static str> {
    WINDOWS_ZONES.iter().map(|(id, _)| *id)
}

/// The local time in `zone` of a UTC instant (the result's kind is unspecified, as .NET's
/// `ConvertTimeFromUtc`).
pub(crate) fn from_utc(stamp: Stamp, zone: &TimeZone) -> Result<Stamp, String> {
    let (seconds, nanos) = stamp.unix();
    let instant = Timestamp::new(seconds, nanos).map_err(|e| e.to_string())?;
    let offset = i64::from(zone.to_offset(instant).seconds());
    Stamp::new(stamp.ticks, Kind::Unspecified)?.add_ticks(offset * TICKS_PER_SECOND)
}

/// The UTC instant of a local time in `zone`. An ambiguous time (the hour repeated when summer
/// time ends) is read as standard time, and a time skipped when summer time starts is an error,
/// as .NET's `ConvertTimeToUtc` does.
pub(crate) fn to_utc(stamp: Stamp, zone: &TimeZone) -> Result<Stamp, String> {
    let c = stamp.civil();
    let local = civil::DateTime::new(
        i16::try_from(c.year).map_err(|e| e.to_string())?,
        c.month as i8,
        c.day as i8,
        c.hour as i8,
        c.minute as i8,
        c.second as i8,
        (c.fraction * 100) as i32,
    )
    .map_err(|e| e.to_string())?;
    let offset = match zone.to_ambiguous_timestamp(local).offset() {
        AmbiguousOffset::Unambiguous { offset } => offset,
        AmbiguousOffset::Fold { after, .. } => after,
        AmbiguousOffset::Gap { .. } => {
            return Err("the local time does not exist in that time zone (it is skipped when summer time starts)".into())
        }
    };
    Stamp::new(stamp.ticks, Kind::Utc)?.add_ticks(-i64::from(offset.seconds()) * TICKS_PER_SECOND)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::time::parse;

    #[test]
    fn every_windows_id_resolves() {
        for id in windows_ids() {
            assert!(find(id).is_ok(), "{id}");
        }
    }

    #[test]
    fn converts_both_ways_across_summer_time() {
        let zone = find("pacific standard time").unwrap();
        let winter = from_utc(parse("2018-01-01T08:00:00Z").unwrap(), &zone).unwrap();
        assert_eq!(winter.civil().hour, 0);
        let summer = from_utc(parse("2018-07-01T08:00:00Z").unwrap(), &zone).unwrap();
        assert_eq!(summer.civil().hour, 1);
        assert_eq!(to_utc(summer, &zone).unwrap().ticks, parse("2018-07-01T08:00:00Z").unwrap().ticks);
        // 2018-11-04 01:30 happens twice in Los Angeles: standard time (UTC-8) is chosen.
        let fold = to_utc(parse("2018-11-04T01:30:00").unwrap(), &zone).unwrap();
        assert_eq!(fold.civil().hour, 9);
        assert!(to_utc(parse("2018-03-11T02:30:00").unwrap(), &zone).is_err());
        assert!(find("Mars Standard Time").is_err());
    }
}
