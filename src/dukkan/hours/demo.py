"""Demo business hours: the Arabic store works Saturday–Thursday (Friday weekend), the Persian
store Saturday–Wednesday (Thursday–Friday weekend) and closes for Nowruz (Jalali), the English
store Monday–Friday."""

from __future__ import annotations

from dukkan.accounts.models import User
from dukkan.core.models import Store
from dukkan.core.tenancy import scoped
from dukkan.hours import services
from dukkan.hours.models import Holiday

WEEKENDS = {"alwarraq": "fri", "afzoonesara": "thu_fri", "cedar-apps": "sat_sun"}
HOURS = {
    "alwarraq": ("09:00", "17:00"),
    "afzoonesara": ("08:30", "16:30"),
    "cedar-apps": ("09:00", "17:30"),
}
HOLIDAYS = {
    "alwarraq": [("اليوم الوطني", "gregorian", 9, 23, 1), ("يوم التأسيس", "gregorian", 2, 22, 1)],
    "afzoonesara": [("تعطیلات نوروز", "jalali", 1, 1, 4), ("سیزده‌به‌در", "jalali", 1, 13, 1)],
    "cedar-apps": [("Christmas", "gregorian", 12, 25, 2), ("New Year's Day", "gregorian", 1, 1, 1)],
}
WEEKEND_DAYS = {"fri": [5], "thu_fri": [4, 5], "sat_sun": [6, 7]}


def load(stores: dict[str, Store], people: dict[str, User]) -> None:
    for slug, weekend in WEEKENDS.items():
        store = stores.get(slug)
        if store is None:
            continue
        opens, closes = HOURS[slug]
        hours = {
            str(d): ([] if d in WEEKEND_DAYS[weekend] else [[opens, closes]]) for d in range(1, 8)
        }
        if store.weekend_days != WEEKEND_DAYS[weekend] or store.business_hours != hours:
            services.set_store_hours(store, weekend=weekend, hours=hours)
        for name, calendar, month, day, length in HOLIDAYS[slug]:
            if not scoped(Holiday, store).filter(name=name).exists():
                services.add_holiday(
                    store, name=name, calendar=calendar, month=month, day=day, length=length
                )
