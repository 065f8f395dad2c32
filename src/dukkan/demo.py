"""The demo marketplace: three stores in Arabic, Persian and English, their teams and customers.

Loading is idempotent: running `dukkan demo` again changes nothing that exists already.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from types import ModuleType
from typing import Any

from django.db import transaction

from dukkan.accounts import services
from dukkan.accounts.models import Membership, Role, User
from dukkan.core.hours import default_hours
from dukkan.core.models import Store

DEMO_PASSWORD = "dukkan-demo-2026"

# Each app adds its demo data in its own `demo` module, in this order (later ones may use what
# earlier ones made). A module exposes `load(stores, people)`, idempotent like the rest, and may
# list extra banner lines in `BANNER` ("{base_url}" is filled in).
APP_DEMOS = (
    "dukkan.crm.demo",
    "dukkan.catalog.demo",
    "dukkan.checkout.demo",
    "dukkan.delivery.demo",
    "dukkan.support.demo",
    "dukkan.inbox.demo",
    "dukkan.widget.demo",
    "dukkan.knowledge.demo",
    "dukkan.answers.demo",
    "dukkan.licensing.demo",
    "dukkan.email_channel.demo",
    "dukkan.promotions.demo",
    "dukkan.affiliates.demo",
    "dukkan.marketing.demo",
    "dukkan.hours.demo",
    "dukkan.answerbot.demo",
    "dukkan.callbacks.demo",
    "dukkan.gigs.demo",
    "dukkan.reviews.demo",
    "dukkan.moderation.demo",
    "dukkan.reportcards.demo",
)


def app_demo_modules() -> list[ModuleType]:
    modules = []
    for name in APP_DEMOS:
        try:
            modules.append(import_module(name))
        except ModuleNotFoundError as error:
            if error.name != name:
                raise
    return modules


@dataclass(frozen=True)
class DemoAccount:
    email: str
    name: str
    language: str
    what: str


STORES: list[dict[str, Any]] = [
    {
        "slug": "alwarraq",
        "name": "مكتبة الورّاق",
        "tagline": "كتب إلكترونية عربية في الأدب والتاريخ وتطوير الذات",
        "description": "نبيع الكتب الإلكترونية بصيغ PDF وEPUB، مع فصل مجاني من كل كتاب قبل الشراء.",
        "default_language": "ar",
        "currency": "SAR",
        "time_zone": "Asia/Riyadh",
        "weekend_days": [5, 6],
        "owner": DemoAccount("salma@alwarraq.example", "سلمى العتيبي", "ar", "owner, مكتبة الورّاق"),
        "agents": [
            DemoAccount("yousef@alwarraq.example", "يوسف الحربي", "ar", "agent, مكتبة الورّاق")
        ],
    },
    {
        "slug": "afzoonesara",
        "name": "افزونه‌سرا",
        "tagline": "افزونه‌های فارسی وردپرس با پشتیبانی واقعی",
        "description": "افزونه‌های وردپرس برای فروشگاه‌های ایرانی: تقویم شمسی، درگاه پرداخت و فاکتور رسمی.",
        "default_language": "fa",
        "currency": "IRR",
        "time_zone": "Asia/Tehran",
        "weekend_days": [5],
        "owner": DemoAccount("maryam@afzoonesara.example", "مریم رضایی", "fa", "owner, افزونه‌سرا"),
        "agents": [DemoAccount("ali@afzoonesara.example", "علی کریمی", "fa", "agent, افزونه‌سرا")],
    },
    {
        "slug": "cedar-apps",
        "name": "Cedar Apps",
        "tagline": "Small, sharp desktop tools for writers and developers",
        "description": "Licensed desktop software with a free trial build and lifetime updates for version 2.",
        "default_language": "en",
        "currency": "USD",
        "time_zone": "Europe/London",
        "weekend_days": [6, 7],
        "owner": DemoAccount(
            "daniel@cedarapps.example", "Daniel Okafor", "en", "owner, Cedar Apps"
        ),
        "agents": [DemoAccount("priya@cedarapps.example", "Priya Shah", "en", "agent, Cedar Apps")],
    },
]

OPERATOR = DemoAccount("operator@dukkan.example", "Dukkan Operator", "en", "marketplace operator")
CUSTOMERS = [
    DemoAccount("noura@customers.example", "نورة السبيعي", "ar", "customer"),
    DemoAccount("sara@customers.example", "سارا محمدی", "fa", "customer"),
    DemoAccount("john@customers.example", "John Carter", "en", "customer"),
]


def _user(account: DemoAccount, **extra: Any) -> User:
    user = User.objects.filter(email=account.email).first()
    if user is None:
        user = User.objects.create_user(
            email=account.email,
            password=DEMO_PASSWORD,
            display_name=account.name,
            language=account.language,
            **extra,
        )
    return user


@transaction.atomic
def load_demo() -> list[DemoAccount]:
    accounts: list[DemoAccount] = []
    stores: dict[str, Store] = {}
    _user(OPERATOR, is_operator=True, is_staff=True, is_superuser=True)
    accounts.append(OPERATOR)
    for spec in STORES:
        owner = _user(spec["owner"])
        store = Store.objects.filter(slug=spec["slug"]).first()
        if store is None:
            fields = {k: v for k, v in spec.items() if k not in {"owner", "agents", "slug", "name"}}
            store = services.create_store(
                owner=owner,
                name=spec["name"],
                slug=spec["slug"],
                business_hours=default_hours(spec["weekend_days"]),
                **fields,
            )
        stores[store.slug] = store
        accounts.append(spec["owner"])
        for agent_account in spec["agents"]:
            agent = _user(agent_account)
            if not Membership.objects.filter(store=store, user=agent).exists():
                services.add_member(store=store, user=agent, role=Role.AGENT)
            accounts.append(agent_account)
    for customer in CUSTOMERS:
        _user(customer)
        accounts.append(customer)
    people = {a.email: User.objects.get(email=a.email) for a in accounts}
    for module in app_demo_modules():
        module.load(stores, people)
    return accounts


def render_banner(base_url: str, accounts: list[DemoAccount], config: Any) -> str:
    width = max(len(a.email) for a in accounts) + 2
    lines = [
        "",
        "Dukkan demo is running.",
        f"  Marketplace:   {base_url}/en/   ·   {base_url}/ar/   ·   {base_url}/fa/",
        f"  Dashboard:     {base_url}/en/dashboard/",
        f"  Stores:        {base_url}/ar/s/alwarraq/   {base_url}/fa/s/afzoonesara/   {base_url}/en/s/cedar-apps/",
        f"  API docs:      {base_url}/api/docs",
        f"  Health:        {base_url}/healthz   {base_url}/readyz   {base_url}/metrics",
        f"  Data folder:   {config.data_dir}  (mail Dukkan sends is written to {config.data_dir / 'outbox'})",
        "",
        f"Demo sign-ins (password for all: {DEMO_PASSWORD}):",
    ]
    lines += [f"  {a.email:<{width}} {a.what}" for a in accounts]
    extra = [line for m in app_demo_modules() for line in getattr(m, "BANNER", [])]
    if extra:
        lines += ["", *(line.format(base_url=base_url) for line in extra)]
    lines += ["", "Press Ctrl+C to stop.", ""]
    return "\n".join(lines)
