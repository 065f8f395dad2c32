"""Business-time arithmetic: examples across weekends, holidays, time zones and daylight-saving
changes, and properties that must hold for any calendar and any moment (hypothesis)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from dukkan.core.hours import WEEKEND_PRESETS
from dukkan.hours.calendar import HORIZON_DAYS, Calendar

NINE_TO_FIVE = {str(d): [["09:00", "17:00"]] for d in range(1, 8)}


def local(zone: str, *args: int) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo(zone))  # type: ignore[misc,arg-type]


def test_friday_weekend_in_riyadh_is_closed_and_four_hours_roll_over_it() -> None:
    calendar = Calendar("Asia/Riyadh", NINE_TO_FIVE, frozenset({5}))
    thursday_4pm = local("Asia/Riyadh", 2026, 11, 26, 16, 0)
    assert calendar.is_open(thursday_4pm)
    assert not calendar.is_open(local("Asia/Riyadh", 2026, 11, 27, 12, 0))  # Friday
    # One hour left on Thursday, three more on Saturday from 09:00.
    assert calendar.add(thursday_4pm, timedelta(hours=4)) == local(
        "Asia/Riyadh", 2026, 11, 28, 12, 0
    )


def test_next_open_skips_a_jalali_holiday_week() -> None:
    # Nowruz 1405: 1–4 Farvardin = 21–24 March 2026; weekend Thursday and Friday.
    holidays = frozenset(date(2026, 3, 21) + timedelta(days=i) for i in range(4))
    calendar = Calendar("Asia/Tehran", NINE_TO_FIVE, frozenset({4, 5}), holidays)
    friday_night = local("Asia/Tehran", 2026, 3, 20, 22, 0)
    # Sat 21..Tue 24 holidays, Wed 25 open.
    assert calendar.next_open(friday_night) == local("Asia/Tehran", 2026, 3, 25, 9, 0)


def test_spring_forward_day_is_shorter_and_fall_back_day_longer() -> None:
    hours = {str(d): [["01:00", "05:00"]] for d in range(1, 8)}
    calendar = Calendar("America/New_York", hours)
    start = local("America/New_York", 2026, 3, 8, 0, 0)  # clocks jump 02:00 → 03:00
    assert calendar.open_between(start, start + timedelta(days=1)) == timedelta(hours=3)
    start = local("America/New_York", 2026, 11, 1, 0, 0)  # clocks fall back 02:00 → 01:00
    assert calendar.open_between(start, start + timedelta(days=1)) == timedelta(hours=5)


def test_an_opening_inside_the_skipped_hour_starts_at_the_jump() -> None:
    hours = {str(d): [["01:30", "06:00"]] for d in range(1, 8)}
    calendar = Calendar("Europe/London", hours)
    before = datetime(2026, 3, 29, 0, 0, tzinfo=UTC)  # 01:00 GMT → 02:00 BST
    assert calendar.next_open(before) == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)


def test_no_opening_hours_means_never_back() -> None:
    calendar = Calendar("UTC", {}, frozenset())
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert calendar.next_open(now) is None
    assert calendar.add(now, timedelta(hours=1)) is None


ZONES = [
    "UTC",
    "Asia/Riyadh",
    "Asia/Tehran",
    "Europe/London",
    "America/New_York",
    "Australia/Sydney",
]


@st.composite
def calendars(draw: st.DrawFn) -> Calendar:
    weekend = WEEKEND_PRESETS[draw(st.sampled_from(sorted(WEEKEND_PRESETS)))][0]
    hours: dict[str, list[list[str]]] = {}
    for day in range(1, 8):
        if draw(st.booleans()) or day in weekend:
            opens = draw(st.integers(0, 22))
            closes = draw(st.integers(opens + 1, 23))
            hours[str(day)] = [
                [f"{opens:02d}:{draw(st.sampled_from([0, 30])):02d}", f"{closes:02d}:00"]
            ]
    if not any(day not in weekend and hours.get(str(day)) for day in range(1, 8)):
        hours["1" if 1 not in weekend else "3"] = [["09:00", "17:00"]]
    holidays = frozenset(
        draw(st.lists(st.dates(date(2026, 1, 1), date(2026, 12, 31)), max_size=20))
    )
    return Calendar(draw(st.sampled_from(ZONES)), hours, frozenset(weekend), holidays)


moments = st.datetimes(datetime(2026, 1, 1), datetime(2026, 12, 20), timezones=st.just(UTC))
durations = st.integers(0, 40 * 60).map(lambda m: timedelta(minutes=m))


@settings(max_examples=120, deadline=None)
@given(calendars(), moments, durations)
def test_adding_business_time_lands_on_exactly_that_much_open_time(
    calendar: Calendar, start: datetime, duration: timedelta
) -> None:
    end = calendar.add(start, duration)
    if end is None:
        # Beyond the calendar's horizon (say, half an hour open a week): there is less open
        # time than that within it, and the caller is told so instead of a made-up moment.
        horizon = start + timedelta(days=HORIZON_DAYS)
        assert calendar.open_between(start, horizon) < duration
        return
    assert end >= start
    assert calendar.open_between(start, end) == duration
    # Never on a weekend day or a holiday, in the store's own calendar.
    day = (end - timedelta(microseconds=1) if duration else end).astimezone(calendar.zone).date()
    assert calendar.is_working_day(day)


@settings(max_examples=120, deadline=None)
@given(calendars(), moments)
def test_next_open_is_open_and_nothing_opens_before_it(calendar: Calendar, at: datetime) -> None:
    back = calendar.next_open(at)
    assert back is not None
    assert back >= at
    assert calendar.is_open(back)
    assert calendar.open_between(at, back) == timedelta(0)
    assert calendar.is_open(at) == (back == at)


@settings(max_examples=80, deadline=None)
@given(calendars(), moments, durations, durations)
def test_more_business_time_never_ends_earlier(
    calendar: Calendar, start: datetime, a: timedelta, b: timedelta
) -> None:
    first, second = calendar.add(start, min(a, b)), calendar.add(start, max(a, b))
    assert first is not None
    assert second is not None
    assert first <= second
