"""Demo help centers: each demo store gets categories and a dozen real answers in its language,
a few translated into the other two, and one internal-only note for its agents.

These are also what FAQ matching, the widget's suggestions and the answer bot draw on, so
they cover what customers of such shops really ask: refunds, expired download links,
installing, failed payments, invoices, changing the email address. Idempotent: an article
is found again by its address (store, language, slug) and left as it is.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from dukkan.accounts.models import User
from dukkan.core.models import Store
from dukkan.core.tenancy import scoped
from dukkan.knowledge import services
from dukkan.knowledge.models import Article, Category

BANNER = [
    "Help centers (search, FAQ, articles):",
    "  {base_url}/ar/s/alwarraq/help/   {base_url}/fa/s/afzoonesara/help/   {base_url}/en/s/cedar-apps/help/",
]

# (key, language, name, slug, position)
CATEGORIES: dict[str, list[tuple[str, str, str, str, int]]] = {
    "alwarraq": [
        ("buying", "ar", "الشراء والدفع", "الشراء-والدفع", 1),
        ("reading", "ar", "التحميل والقراءة", "التحميل-والقراءة", 2),
        ("refunds", "ar", "الاسترداد والحساب", "الاسترداد-والحساب", 3),
        ("en-help", "en", "Buying and refunds", "buying-and-refunds", 1),
        ("fa-help", "fa", "خرید و بازپرداخت", "خرید-و-بازپرداخت", 1),
    ],
    "afzoonesara": [
        ("install", "fa", "نصب و راه‌اندازی", "نصب-و-راه-اندازی", 1),
        ("license", "fa", "لایسنس و به‌روزرسانی", "لایسنس-و-به-روزرسانی", 2),
        ("billing", "fa", "پرداخت و بازپرداخت", "پرداخت-و-بازپرداخت", 3),
        ("en-help", "en", "Installing and licences", "installing-and-licences", 1),
        ("ar-help", "ar", "التثبيت والترخيص", "التثبيت-والترخيص", 1),
    ],
    "cedar-apps": [
        ("start", "en", "Getting started", "getting-started", 1),
        ("licences", "en", "Licences and activation", "licences-and-activation", 2),
        ("billing", "en", "Billing and refunds", "billing-and-refunds", 3),
        ("ar-help", "ar", "الترخيص والاسترداد", "الترخيص-والاسترداد", 1),
        ("fa-help", "fa", "لایسنس و بازپرداخت", "لایسنس-و-بازپرداخت", 1),
    ],
}

# key, language, kind, category key, slug, title, body, extra (status, tags, translation_of)
Spec = tuple[str, str, str, str, str, str, str, dict[str, Any]]

ALWARRAQ: list[Spec] = [
    (
        "refund",
        "ar",
        "faq",
        "refunds",
        "سياسة-الاسترداد",
        "هل يمكنني استرداد ثمن الكتاب؟",
        "نعم. إذا لم يعجبك الكتاب أو اشتريته بالخطأ، اطلب الاسترداد خلال **١٤ يوماً** من الشراء "
        "ما دمت لم تحمّل الملف أكثر من مرتين.\n\n"
        "1. افتح «مشترياتي» من الرابط الذي وصلك في البريد.\n"
        "2. اختر الطلب ثم «طلب استرداد»، أو راسلنا في المحادثة ومعك رقم الطلب.\n\n"
        "يعود المبلغ إلى وسيلة الدفع نفسها خلال ٥ إلى ١٠ أيام عمل، وتتوقف روابط التحميل عن العمل.",
        {"tags": ["استرداد", "إرجاع"]},
    ),
    (
        "expired",
        "ar",
        "faq",
        "reading",
        "انتهاء-رابط-التحميل",
        "انتهت صلاحية رابط التحميل، ماذا أفعل؟",
        "روابط التحميل تبقى صالحة **٢٤ ساعة** ولخمس مرات تحميل لكل ملف، حفاظاً على حقوق المؤلفين.\n\n"
        "لا تقلق: افتح صفحة «مشترياتي» واطلب رابط دخول جديداً ببريدك الإلكتروني، وستجد روابط تحميل "
        "جديدة لكل كتبك. إن استنفدت مرات التحميل، راسلنا في المحادثة وسنجددها لك.",
        {"tags": ["تحميل", "رابط"]},
    ),
    (
        "formats",
        "ar",
        "faq",
        "reading",
        "صيغ-الكتب",
        "ما صيغ الكتب الإلكترونية المتاحة؟",
        "نوفر كل كتاب بصيغتين:\n\n- **EPUB**: الأنسب للهواتف والأجهزة اللوحية وقارئات الكتب، "
        "يتكيّف النص مع حجم الشاشة.\n- **PDF**: يحافظ على تنسيق الصفحات كما في النسخة المطبوعة.\n\n"
        "تجد الصيغتين معاً في صفحة التحميل، ولا تدفع مرتين.",
        {"tags": ["صيغ", "EPUB", "PDF"]},
    ),
    (
        "read-phone",
        "ar",
        "article",
        "reading",
        "القراءة-على-الهاتف",
        "كيف أقرأ الكتاب على هاتفي؟",
        "## على آيفون وآيباد\n\nحمّل ملف EPUB ثم اختر «مشاركة» ← «الكتب» (Apple Books).\n\n"
        "## على أندرويد\n\nثبّت قارئاً مجانياً يدعم العربية مثل Google Play Books أو ReadEra، ثم "
        "افتح الملف منه.\n\n## على الحاسوب\n\nافتح ملف PDF بأي قارئ PDF، أو EPUB ببرنامج Calibre.",
        {"tags": ["قراءة", "هاتف"]},
    ),
    (
        "payment-failed",
        "ar",
        "faq",
        "buying",
        "فشل-الدفع",
        "فشلت عملية الدفع بالبطاقة، لماذا؟",
        "أكثر الأسباب شيوعاً:\n\n- البطاقة غير مفعّلة للشراء عبر الإنترنت أو للشراء الدولي.\n"
        "- رمز التحقق (OTP) لم يُدخل في الوقت المحدد.\n- الرصيد أو الحد اليومي لا يكفي.\n\n"
        "جرّب مرة أخرى أو اختر وسيلة دفع أخرى. لا يُخصم أي مبلغ من عملية فاشلة؛ وإن ظهر خصم "
        "معلّق فسيعود تلقائياً خلال أيام.",
        {"tags": ["دفع", "بطاقة"]},
    ),
    (
        "payment-methods",
        "ar",
        "faq",
        "buying",
        "طرق-الدفع",
        "ما طرق الدفع المتاحة؟",
        "نقبل البطاقات (فيزا وماستركارد ومدى) عبر بوابة آمنة، وPayPal، والتحويل البنكي. "
        "يصلك الكتاب فور تأكيد الدفع؛ أما التحويل البنكي فيُؤكَّد خلال يوم عمل.",
        {"tags": ["دفع"]},
    ),
    (
        "invoice",
        "ar",
        "faq",
        "buying",
        "الفاتورة",
        "كيف أحصل على فاتورة الشراء؟",
        "تصلك الفاتورة بالبريد فور الدفع مع رابط التحميل. يمكنك أيضاً فتحها في أي وقت من صفحة "
        "«مشترياتي». إن احتجت فاتورة باسم شركة ورقم ضريبي، راسلنا بالمعلومات ورقم الطلب.",
        {"tags": ["فاتورة"]},
    ),
    (
        "change-email",
        "ar",
        "faq",
        "refunds",
        "تغيير-البريد",
        "كيف أغيّر بريدي الإلكتروني؟",
        "الكتب مرتبطة بالبريد الذي استخدمته عند الشراء. لنقلها إلى بريد جديد راسلنا في المحادثة "
        "من البريد القديم أو مع رقم الطلب، وسننقل مشترياتك خلال يوم عمل.",
        {"tags": ["حساب", "بريد"]},
    ),
    (
        "gift",
        "ar",
        "faq",
        "buying",
        "إهداء-كتاب",
        "هل يمكنني إهداء كتاب لصديق؟",
        "نعم: عند الدفع اكتب بريد صديقك بدلاً من بريدك، فيصله الكتاب ورابط التحميل مباشرة.",
        {"tags": ["هدية"]},
    ),
    (
        "devices",
        "ar",
        "faq",
        "reading",
        "عدد-الأجهزة",
        "على كم جهاز يمكنني قراءة الكتاب؟",
        "الكتاب لك: اقرأه على كل أجهزتك الشخصية. كل نسخة تحمل بريدك ورقم طلبك في تذييل الصفحات، "
        "فنرجو ألا تشاركها مع غيرك.",
        {"tags": ["أجهزة"]},
    ),
    (
        "internal",
        "ar",
        "article",
        "refunds",
        "ملاحظات-الوكلاء-الاسترداد",
        "للوكلاء: متى نقبل الاسترداد بعد ١٤ يوماً؟",
        "استثناءات يقرّها الوكيل دون الرجوع للمالكة:\n\n- ملف تالف أو ناقص (اطلب لقطة شاشة).\n"
        "- شراء الكتاب نفسه مرتين.\n\nغير ذلك: حوّل المحادثة إلى سلمى مع ملاحظة.",
        {"status": "internal"},
    ),
    (
        "refund-en",
        "en",
        "faq",
        "en-help",
        "refund-policy",
        "Can I get a refund for an e-book?",
        "Yes. Ask within **14 days** of buying, as long as you downloaded the file at most twice. "
        "Open *My purchases*, choose the order and *Request a refund*, or write to us in the chat "
        "with your order number. The money goes back to the same payment method within 5–10 "
        "working days.",
        {"translation_of": "refund", "tags": ["refund"]},
    ),
    (
        "expired-en",
        "en",
        "faq",
        "en-help",
        "download-link-expired",
        "My download link expired. What now?",
        "Download links last 24 hours and five downloads per file. Open *My purchases*, ask for a "
        "new sign-in link with your email and you will find fresh download links for all your "
        "books.",
        {"translation_of": "expired", "tags": ["download"]},
    ),
    (
        "refund-fa",
        "fa",
        "faq",
        "fa-help",
        "بازپرداخت-وجه",
        "آیا می‌توانم پول کتاب را پس بگیرم؟",
        "بله. تا **۱۴ روز** پس از خرید، اگر فایل را بیش از دو بار دانلود نکرده باشید، از صفحه‌ی "
        "«خریدهای من» درخواست بازپرداخت بدهید یا در گفت‌وگو با شماره‌ی سفارش به ما پیام دهید.",
        {"translation_of": "refund", "tags": ["بازپرداخت"]},
    ),
]

AFZOONESARA: list[Spec] = [
    (
        "install",
        "fa",
        "article",
        "install",
        "نصب-افزونه",
        "چطور افزونه را در وردپرس نصب کنم؟",
        "1. فایل zip افزونه را از صفحه‌ی «خریدهای من» دانلود کنید (آن را از حالت فشرده خارج نکنید).\n"
        "2. در پیشخوان وردپرس به «افزونه‌ها ← افزودن ← بارگذاری افزونه» بروید.\n"
        "3. فایل zip را انتخاب کنید، «هم‌اکنون نصب کن» و سپس «فعال‌سازی» را بزنید.\n"
        "4. از منوی تنظیمات افزونه، کد لایسنس را وارد کنید.\n\n"
        "اگر خطای «حداکثر حجم بارگذاری» دیدید، فایل را با FTP در پوشه‌ی `wp-content/plugins` "
        "بگذارید.",
        {"tags": ["نصب", "وردپرس"]},
    ),
    (
        "license",
        "fa",
        "faq",
        "license",
        "فعال-سازی-لایسنس",
        "لایسنس افزونه را چطور فعال کنم؟",
        "کد لایسنس در ایمیل خرید و در «خریدهای من» آمده است. در پیشخوان وردپرس به تنظیمات افزونه "
        "بروید، کد را وارد کنید و «فعال‌سازی» را بزنید. هر لایسنس برای **یک دامنه** است؛ "
        "دامنه‌ی آزمایشی (localhost و staging) شمرده نمی‌شود.",
        {"tags": ["لایسنس", "فعال‌سازی"]},
    ),
    (
        "move-domain",
        "fa",
        "faq",
        "license",
        "انتقال-لایسنس",
        "چطور لایسنس را به دامنه‌ی دیگری منتقل کنم؟",
        "در سایت قبلی افزونه را غیرفعال کنید یا در تنظیمات آن «آزادسازی لایسنس» را بزنید؛ سپس کد را "
        "در سایت جدید وارد کنید. اگر به سایت قبلی دسترسی ندارید، در گفت‌وگو به ما بگویید تا آزادش کنیم.",
        {"tags": ["لایسنس", "دامنه"]},
    ),
    (
        "updates",
        "fa",
        "faq",
        "license",
        "به-روزرسانی",
        "به‌روزرسانی‌ها را چطور دریافت کنم؟",
        "با لایسنس فعال، به‌روزرسانی‌ها مثل افزونه‌های رایگان در پیشخوان وردپرس نمایش داده می‌شوند. "
        "هر خرید شامل **یک سال** به‌روزرسانی و پشتیبانی است؛ پس از آن افزونه کار می‌کند اما "
        "نسخه‌ی تازه نمی‌گیرد تا تمدید کنید.",
        {"tags": ["به‌روزرسانی", "تمدید"]},
    ),
    (
        "refund",
        "fa",
        "faq",
        "billing",
        "بازپرداخت",
        "شرایط بازپرداخت وجه چیست؟",
        "اگر افزونه روی سایت شما کار نکند و ما نتوانیم مشکل را در **۷ روز** حل کنیم، کل مبلغ را "
        "برمی‌گردانیم. درخواست را در گفت‌وگو با شماره‌ی سفارش بفرستید. پس از بازپرداخت، لایسنس "
        "غیرفعال می‌شود.",
        {"tags": ["بازپرداخت", "پس گرفتن پول"]},
    ),
    (
        "payment-failed",
        "fa",
        "faq",
        "billing",
        "خطای-پرداخت",
        "پرداخت ناموفق بود ولی پول از حسابم کم شد",
        "نگران نباشید. اگر پرداخت در درگاه ناموفق باشد، بانک مبلغ را حداکثر تا **۷۲ ساعت** به حساب "
        "شما برمی‌گرداند. اگر سفارش در «خریدهای من» پرداخت‌شده نمایش داده نشد و پول برنگشت، "
        "شماره‌ی پیگیری بانک را در گفت‌وگو برای ما بفرستید.",
        {"tags": ["پرداخت", "درگاه"]},
    ),
    (
        "invoice",
        "fa",
        "faq",
        "billing",
        "فاکتور",
        "چطور فاکتور رسمی بگیرم؟",
        "فاکتور ساده همراه ایمیل خرید ارسال می‌شود. برای فاکتور رسمی، نام شرکت، شناسه‌ی ملی و "
        "کد اقتصادی را همراه شماره‌ی سفارش در گفت‌وگو بفرستید.",
        {"tags": ["فاکتور"]},
    ),
    (
        "download-expired",
        "fa",
        "faq",
        "install",
        "لینک-دانلود",
        "لینک دانلود منقضی شده است",
        "لینک‌های دانلود ۴۸ ساعت اعتبار دارند. در صفحه‌ی «خریدهای من» ایمیل خود را وارد کنید تا "
        "لینک ورود تازه برایتان ارسال شود؛ آنجا لینک‌های دانلود جدید همه‌ی افزونه‌هایتان را می‌بینید.",
        {"tags": ["دانلود", "لینک"]},
    ),
    (
        "change-email",
        "fa",
        "faq",
        "billing",
        "تغییر-ایمیل",
        "چطور ایمیل حسابم را عوض کنم؟",
        "خریدها به ایمیلی که هنگام پرداخت وارد کرده‌اید وصل‌اند. از همان ایمیل یا با شماره‌ی "
        "سفارش در گفت‌وگو پیام دهید تا خریدهایتان را به ایمیل جدید منتقل کنیم.",
        {"tags": ["ایمیل", "حساب"]},
    ),
    (
        "requirements",
        "fa",
        "faq",
        "install",
        "پیش-نیازها",
        "افزونه‌ها به چه نسخه‌ای از وردپرس و PHP نیاز دارند؟",
        "وردپرس ۶٫۰ یا جدیدتر، ووکامرس ۸ یا جدیدتر (برای افزونه‌های فروشگاهی) و PHP نسخه‌ی ۷٫۴ "
        "یا بالاتر. با قالب‌های استاندارد و راست‌چین سازگارند.",
        {"tags": ["نصب", "PHP"]},
    ),
    (
        "internal",
        "fa",
        "article",
        "license",
        "راهنمای-داخلی-لایسنس",
        "داخلی: آزادسازی دستی لایسنس",
        "در داشبورد لایسنس‌ها، کد را جست‌وجو کنید و «آزادسازی فعال‌سازی» را بزنید. بیش از سه "
        "انتقال در ماه را به مریم ارجاع دهید.",
        {"status": "internal"},
    ),
    (
        "install-en",
        "en",
        "article",
        "en-help",
        "install-the-plugin",
        "How do I install the plugin in WordPress?",
        "Download the plugin's zip from *My purchases* (do not unzip it). In WordPress go to "
        "*Plugins → Add New → Upload Plugin*, choose the zip, click *Install Now* and then "
        "*Activate*. Enter your licence key in the plugin's settings.",
        {"translation_of": "install", "tags": ["install"]},
    ),
    (
        "install-ar",
        "ar",
        "article",
        "ar-help",
        "تثبيت-الإضافة",
        "كيف أثبّت الإضافة في ووردبريس؟",
        "حمّل ملف zip الخاص بالإضافة من «مشترياتي» دون فك ضغطه. في لوحة ووردبريس اذهب إلى "
        "«الإضافات ← أضف جديداً ← رفع إضافة»، اختر الملف ثم «التنصيب الآن» و«تفعيل»، وأدخل مفتاح "
        "الترخيص في إعدادات الإضافة.",
        {"translation_of": "install", "tags": ["تثبيت"]},
    ),
    (
        "refund-en",
        "en",
        "faq",
        "en-help",
        "refund-policy",
        "What is your refund policy?",
        "If a plugin does not work on your site and we cannot fix it within 7 days, we refund the "
        "full price. Send your order number in the chat. The licence is deactivated after a refund.",
        {"translation_of": "refund", "tags": ["refund"]},
    ),
]

CEDAR: list[Spec] = [
    (
        "activate",
        "en",
        "faq",
        "licences",
        "activate-your-licence",
        "How do I activate my licence?",
        "Open the app, choose **Help → Enter licence key**, paste the key from your receipt email "
        "and click *Activate*. The app needs to reach the internet once; after that it works "
        "offline. Each licence activates on **two computers** of yours.",
        {"tags": ["licence", "activation"]},
    ),
    (
        "new-computer",
        "en",
        "faq",
        "licences",
        "move-to-a-new-computer",
        "How do I move my licence to a new computer?",
        "On the old computer choose **Help → Deactivate licence**, then activate on the new one. "
        "If the old computer is gone, open *My licences* from your purchases page and release the "
        "old activation yourself.",
        {"tags": ["licence", "deactivate"]},
    ),
    (
        "refund",
        "en",
        "faq",
        "billing",
        "refund-policy",
        "What is your refund policy?",
        "We refund any purchase within **30 days**, no questions asked. Ask in the chat or reply to "
        "your receipt email with the order number. Refunds reach your card or PayPal in 5–10 "
        "working days, and the licence key stops working.",
        {"tags": ["refund", "money back"]},
    ),
    (
        "updates",
        "en",
        "faq",
        "licences",
        "updates",
        "Are updates free?",
        "Every 2.x update is free for owners of a 2.x licence; the app tells you when one is ready "
        "(**Help → Check for updates**). A new major version is offered at an upgrade discount.",
        {"tags": ["updates", "upgrade"]},
    ),
    (
        "download-expired",
        "en",
        "faq",
        "start",
        "download-link-expired",
        "My download link has expired",
        "Download links last 24 hours. Go to *My purchases*, enter your email and we send you a "
        "sign-in link with fresh downloads of everything you bought.",
        {"tags": ["download", "link"]},
    ),
    (
        "install",
        "en",
        "article",
        "start",
        "install-on-linux-mac-windows",
        "Installing on Linux, macOS and Windows",
        "## Linux\n\nUnpack the `.tar.gz` and run `./install.sh`, or copy the binary to `~/.local/bin`.\n\n"
        "## macOS\n\nOpen the `.dmg` and drag the app to *Applications*. The first time, right-click "
        "the app and choose *Open*.\n\n## Windows\n\nRun the installer; it needs no administrator "
        "rights.",
        {"tags": ["install"]},
    ),
    (
        "payment-failed",
        "en",
        "faq",
        "billing",
        "payment-failed",
        "My payment failed. What can I do?",
        "Card payments fail most often because the bank asks for 3-D Secure confirmation that "
        "timed out, or the card blocks foreign online payments. Try again, use PayPal, or ask your "
        "bank to allow the payment. A failed payment is never charged; a pending hold disappears "
        "within a few days.",
        {"tags": ["payment", "card"]},
    ),
    (
        "invoice",
        "en",
        "faq",
        "billing",
        "invoice-and-vat",
        "How do I get an invoice with my company's VAT number?",
        "Your receipt email is an invoice. For one with your company name and VAT number, enter "
        "them at checkout, or send them with the order number in the chat and we reissue it.",
        {"tags": ["invoice", "VAT"]},
    ),
    (
        "change-email",
        "en",
        "faq",
        "licences",
        "change-your-email",
        "How do I change the email address on my purchase?",
        "Write to us in the chat from the old address, or with your order number, and tell us the "
        "new one. We move your purchases and licences to it within one working day.",
        {"tags": ["email", "account"]},
    ),
    (
        "trial",
        "en",
        "faq",
        "start",
        "free-trial",
        "Is there a free trial?",
        "Yes: each product page has a free trial download that works for 14 days with every "
        "feature. Buying a licence unlocks the same installation; nothing to reinstall.",
        {"tags": ["trial"]},
    ),
    (
        "internal",
        "en",
        "article",
        "billing",
        "agents-refund-exceptions",
        "Agents: refunds after 30 days",
        "Allowed without asking Daniel: duplicate purchase, or a bug we confirmed that blocks the "
        "customer. Everything else: add a note and assign to Daniel.",
        {"status": "internal"},
    ),
    (
        "refund-ar",
        "ar",
        "faq",
        "ar-help",
        "سياسة-الاسترداد",
        "ما سياسة استرداد الأموال؟",
        "نعيد ثمن أي شراء خلال **٣٠ يوماً** دون أسئلة. اطلب ذلك في المحادثة أو بالرد على بريد "
        "الإيصال مع رقم الطلب، ويتوقف مفتاح الترخيص عن العمل بعد الاسترداد.",
        {"translation_of": "refund", "tags": ["استرداد"]},
    ),
    (
        "activate-fa",
        "fa",
        "faq",
        "fa-help",
        "فعال-سازی-لایسنس",
        "لایسنس را چطور فعال کنم؟",
        "برنامه را باز کنید، از منوی **Help ← Enter licence key** کد لایسنس ایمیل خرید را وارد کنید "
        "و «Activate» را بزنید. هر لایسنس روی دو رایانه‌ی شما فعال می‌شود.",
        {"translation_of": "activate", "tags": ["لایسنس"]},
    ),
    (
        "activate-ar",
        "ar",
        "faq",
        "ar-help",
        "تفعيل-الترخيص",
        "كيف أفعّل مفتاح الترخيص؟",
        "افتح البرنامج واختر **Help ← Enter licence key**، ثم الصق المفتاح من بريد الإيصال واضغط "
        "«Activate». يعمل الترخيص على جهازين لك.",
        {"translation_of": "activate", "tags": ["ترخيص"]},
    ),
]

ARTICLES = {"alwarraq": ALWARRAQ, "afzoonesara": AFZOONESARA, "cedar-apps": CEDAR}


def _categories(store: Store) -> dict[str, Category]:
    found: dict[str, Category] = {}
    for key, language, name, slug, position in CATEGORIES[store.slug]:
        category = scoped(Category, store).filter(language=language, slug=slug).first()
        if category is None:
            category = services.save_category(
                store, name=name, language=language, slug=slug, position=position
            )
        found[key] = category
    return found


@transaction.atomic
def _load_store(store: Store, author: User | None) -> None:
    categories = _categories(store)
    made: dict[str, Article] = {}
    for key, language, kind, category, slug, title, body, extra in ARTICLES[store.slug]:
        article = scoped(Article, store).filter(language=language, slug=slug).first()
        if article is None:
            source = made.get(extra.get("translation_of", ""))
            article = services.create_article(
                store,
                title=title,
                body=body,
                language=language,
                kind=kind,
                status=extra.get("status", "published"),
                category=categories[category],
                tags=extra.get("tags", ()),
                author=author,
                slug=slug,
                translation_of=source,
            )
        made[key] = article


def load(stores: dict[str, Store], people: dict[str, User]) -> None:
    owners = {
        "alwarraq": "salma@alwarraq.example",
        "afzoonesara": "maryam@afzoonesara.example",
        "cedar-apps": "daniel@cedarapps.example",
    }
    for slug in ARTICLES:
        store = stores.get(slug)
        if store is not None:
            _load_store(store, people.get(owners[slug]))
