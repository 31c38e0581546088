"""The contact window as a schedule: reading it, today's hours, the coming change, the banner."""

from datetime import date, datetime, timezone

import pytest

from hotline import notices
from hotline.models import IncidentStatus
from hotline.notices.contact_window import ScheduleError, normalized, parse_schedule, today_in_japan, window_on

from .factories import make_draft, make_incident, publish

SCHEDULE = "2026-11-20〜2026-12-31 9:00-20:00 土日祝も受付\n2027-01-01〜2027-03-31 9:00-18:00 土日祝を除く"


def test_periods_are_read_in_full_width_too_and_stored_in_one_form():
    text = "２０２６/１１/２０～２０２６/１２/３１　９:００－２０:００　土日祝も受付\n\n2027-1-1〜2027-3-31 9:00-18:00 平日のみ"
    assert normalized(text) == "2026-11-20〜2026-12-31 9:00-20:00 土日祝も受付\n2027-01-01〜2027-03-31 9:00-18:00 土日祝を除く"
    periods = parse_schedule(SCHEDULE)
    assert [p.weekdays_only for p in periods] == [False, True]
    assert periods[1].hours == "9:00〜18:00（土日祝日を除く）"


@pytest.mark.parametrize("text, message", [
    ("2026-11-20 9:00-20:00", "の形で書いてください"),
    ("2026-13-01〜2026-12-31 9:00-20:00", "日付「2026-13-01」"),
    ("2026-12-31〜2026-11-20 9:00-20:00", "終了日が開始日より前"),
    ("2026-11-20〜2026-12-31 20:00-9:00", "終了時刻が開始時刻より前"),
    ("2026-11-20〜2026-12-31 9:00-25:00", "時刻「25:00」"),
    ("2026-11-20〜2026-12-31 9:00-20:00 日曜だけ", "曜日は"),
    ("2026-11-20〜2026-12-31 9:00-20:00\n2026-12-15〜2027-01-31 9:00-18:00", "重なっています"),
])
def test_unreadable_schedules_get_a_japanese_message_with_the_line(text, message):
    with pytest.raises(ScheduleError, match=message):
        parse_schedule(text)


def test_today_the_coming_change_and_the_closing_date():
    weekday = window_on(SCHEDULE, date(2026, 12, 4))
    assert weekday.today == "本日（12月4日）の受付時間：9:00〜20:00"
    assert weekday.coming == "2027年1月1日からは、受付時間を9:00〜18:00（土日祝日を除く）といたします。"
    assert window_on(SCHEDULE, date(2026, 12, 5)).today.startswith("本日（12月5日）の受付時間：9:00〜20:00")  # Saturday
    saturday = window_on(SCHEDULE, date(2027, 1, 9))
    assert saturday.today.startswith("本日（1月9日）は受付をお休みしております") and saturday.is_open_period
    assert window_on(SCHEDULE, date(2027, 1, 11)).today.startswith("本日（1月11日）は受付をお休み")  # 成人の日
    assert window_on(SCHEDULE, date(2027, 1, 12)).coming == "専用窓口の受付は2027年3月31日までです。"
    after = window_on(SCHEDULE, date(2027, 4, 1))
    assert not after.is_open_period and after.today == "専用窓口は2027年3月31日をもって受付を終了いたしました。"
    before = window_on(SCHEDULE, date(2026, 11, 1))
    assert before.today == "専用窓口は2026年11月20日から受け付けます。" and not before.is_open_period
    assert window_on("", date(2026, 12, 4)) is None


def test_the_date_is_the_date_in_japan():
    assert today_in_japan(datetime(2026, 12, 31, 15, 30, tzinfo=timezone.utc)) == date(2027, 1, 1)
    assert today_in_japan(datetime(2026, 12, 31, 14, 59)) == date(2026, 12, 31)


def test_the_banner_stays_while_the_window_is_open_after_the_incident_is_closed(staff):
    incident = make_incident(contact_schedule=normalized(SCHEDULE))
    publish(make_draft(incident, staff["sup1"]), staff["sup1"], staff["sup2"])
    change = notices.request_change(incident, {"status": IncidentStatus.CLOSED}, staff["sup1"])
    notices.approve_change(change, staff["sup2"])
    assert incident.status is IncidentStatus.CLOSED
    assert incident in notices.active_incidents(today=date(2027, 3, 31))
    assert incident not in notices.active_incidents(today=date(2027, 4, 1))
    # what each inquiry post reads: the same answer from three columns
    assert notices.active_incident_ids(today=date(2027, 3, 31)) == [incident.id]
    assert notices.active_incident_ids(today=date(2027, 4, 1)) == []


def test_the_schedule_of_a_published_incident_changes_only_with_a_second_person(staff):
    incident = make_incident(contact_schedule=normalized(SCHEDULE))
    publish(make_draft(incident, staff["sup1"]), staff["sup1"], staff["sup2"])
    longer = SCHEDULE.replace("2027-03-31", "2027-06-30")
    change = notices.request_change(incident, {"contact_schedule": normalized(longer)}, staff["sup1"], reason="延長")
    assert change is not None and "2027-03-31" in incident.contact_schedule
    assert [row["label"] for row in notices.describe(change)] == ["受付時間の予定"]


def test_pages_searched_by_the_crowd_show_the_contact_of_the_newest_active_incidents_latest_report(staff):
    assert notices.current_contact() is None
    older = make_incident(slug="older", aware_on=date(2026, 10, 1))
    publish(make_draft(older, staff["sup1"], contact_phone="0120-000-001"), staff["sup1"], staff["sup2"])
    newer = make_incident(slug="newer", aware_on=date(2026, 11, 1), contact_schedule=normalized(SCHEDULE))
    publish(make_draft(newer, staff["sup1"], contact_phone="0120-000-002"), staff["sup1"], staff["sup2"])
    publish(make_draft(newer, staff["sup1"], contact_phone="0120-000-003", contact_hours="9:00〜21:00"),
            staff["sup1"], staff["sup2"])
    make_draft(newer, staff["sup1"], contact_phone="0120-999-999")  # a draft is shown to nobody
    contact = notices.current_contact(today=date(2027, 3, 31))
    assert (contact.contact_phone, contact.contact_hours) == ("0120-000-003", "9:00〜21:00")
    change = notices.request_change(newer, {"status": IncidentStatus.CLOSED}, staff["sup1"])
    notices.approve_change(change, staff["sup2"])
    assert notices.current_contact(today=date(2027, 3, 31)).contact_phone == "0120-000-003"  # window still open
    assert notices.current_contact(today=date(2027, 4, 1)).contact_phone == "0120-000-001"  # the older one
    # the same incident as the banner and the FAQ list choose
    assert notices.active_incidents(today=date(2027, 4, 1))[0].id == older.id
