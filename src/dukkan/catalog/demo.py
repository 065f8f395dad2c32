"""The demo stores' catalogs: real files, generated covers, a free sample for every product,
a time-limited sale (ending a few days after the demo was loaded), a limited launch edition,
a pay-what-you-want product and a bundle in each store.

Idempotent: a product that exists (by title) is left as it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from dukkan.accounts.models import User
from dukkan.catalog import demo_files, services
from dukkan.catalog.models import Product, ProductKind, Visibility
from dukkan.core.models import Store
from dukkan.core.tenancy import scoped

BANNER = [
    "Products: {base_url}/ar/s/alwarraq/p/تاريخ-الأندلس-المختصر/ (on sale, with countdown)",
    "  dashboard: {base_url}/en/dashboard/cedar-apps/products/",
]


@dataclass
class DemoFile:
    title: str
    versions: list[tuple[str, str, bytes]]  # (label, file name, content)


@dataclass
class DemoProduct:
    title: str
    summary: str
    description: str
    price_minor: int
    kind: str = ProductKind.FILE
    cover: tuple[str, str] = ("", "")  # (subtitle, colours key)
    files: list[DemoFile] = field(default_factory=list)
    sample: tuple[str, bytes] | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    bundle_of: list[str] = field(default_factory=list)  # titles of this store's products
    gallery: list[tuple[str, bytes]] = field(default_factory=list)  # (alt, PNG)
    published_days_ago: int = 0  # the store lists its newest products first


PALETTES = {
    "sand": ("#f4ead5", "#c08a3e", "#3b2a14"),
    "night": ("#1f2a44", "#d4a84b", "#f7f1e3"),
    "olive": ("#e9efe0", "#6b7f3a", "#1f2a12"),
    "rose": ("#f7e4e1", "#b4534a", "#3a1512"),
    "teal": ("#0f3d3e", "#5fb3a7", "#f1faf8"),
    "sky": ("#e6effa", "#2f6fb5", "#0f2340"),
    "ink": ("#17181c", "#f59e0b", "#f5f5f4"),
    "mint": ("#e3f4ec", "#0f766e", "#0b2e2a"),
}


def _pdf(title: str, text: str, rtl: bool) -> bytes:
    return demo_files.pdf(title, [p for p in text.split("\n") if p.strip()], rtl=rtl)


def _page_png(title: str, text: str, rtl: bool) -> bytes:
    return demo_files.page_png(title, [p for p in text.split("\n") if p.strip()], rtl=rtl)


# --- مكتبة الورّاق (alwarraq): Arabic e-books, SAR ----------------------------------------------

HIKMA_TEXT = """\
الباب الأول: في الصبر
قال زهير بن أبي سلمى في معلّقته، وقد بلغ الثمانين: «سئمتُ تكاليفَ الحياةِ ومن يعِشْ ثمانين حولًا لا أبا لكَ يسأمِ».
والبيت شكوى رجلٍ خبر الدنيا، لكنّه لا يدعو إلى اليأس؛ فالسأم عنده ثمرة التجربة، والتجربة هي التي تعلّم الصبر.
وقال أبو تمّام: «وإذا أراد اللهُ نشرَ فضيلةٍ طُويتْ أتاحَ لها لسانَ حسودِ». فحتى الحسد، في نظر الشاعر، قد يكون سببًا في ظهور الفضل.
الباب الثاني: في الصداقة
قال المتنبي: «شرُّ البلادِ مكانٌ لا صديقَ بهِ، وشرُّ ما يكسِبُ الإنسانُ ما يَصِمُ».
"""

ANDALUS_TEXT = """\
الفصل الأول: العبور
في ربيع سنة اثنتين وتسعين للهجرة عبر طارق بن زياد المضيق الذي سيحمل اسمه إلى اليوم، ومعه بضعة آلاف من الجند.
لم يكن أحد يتوقّع أن تتحوّل تلك الحملة الصغيرة إلى حضارةٍ تمتدّ ثمانية قرون، تبني قرطبة وإشبيلية وغرناطة، وتنقل علوم المشرق إلى أوروبا.
في هذا الفصل نتتبّع الطريق من سبتة إلى طليطلة، ونقرأ ما كتبه المؤرّخون العرب والإسبان عن تلك الأيام الأولى.
"""

HABITS_TEXT = """\
مقدّمة الطبعة الأولى
لا يتغيّر الإنسان بقرارٍ كبير يتّخذه صباح رأس السنة، بل بعاداتٍ صغيرة يكرّرها كلّ يوم حتى تصير جزءًا منه.
دقيقتان من القراءة، وكوب ماء بعد الاستيقاظ، وسطرٌ واحد في دفتر الامتنان: أشياء تبدو تافهة، لكنّ أثرها يتراكم كما يتراكم المال في حساب التوفير.
في هذا الكتاب ثلاثون عادة صغيرة، لكلّ واحدة منها تمرين عملي وجدول متابعة.
"""

LETTERS_TEXT = """\
الرسالة الأولى: اكتب كل يوم
عزيزي الكاتب الشاب، لن أنصحك بانتظار الإلهام؛ فالإلهام ضيفٌ لا يزور إلا من يجده جالسًا إلى مكتبه.
اكتب صفحةً كل يوم، ولو كانت رديئة. الصفحة الرديئة تُصلَح، أمّا الصفحة البيضاء فلا يُصلحها شيء.
"""


def alwarraq() -> list[DemoProduct]:
    now = timezone.now()
    return [
        DemoProduct(
            published_days_ago=3,
            title="ديوان الحكمة",
            summary="مختارات من عيون الشعر العربي في الحكمة والتأمّل، مشروحة بلغة ميسّرة.",
            description="""\
## عن الكتاب
يجمع هذا الديوان أكثر من مئة بيت من عيون الشعر العربي في الحكمة، من **زهير بن أبي سلمى** إلى **المتنبي** و**أبي العلاء المعرّي**، مع شرح موجز لكل بيت ومعاني مفرداته.

## ماذا ستجد فيه؟
- ستة أبواب: الصبر، والصداقة، والعلم، والزمان، والقناعة، والكرم
- شرح ميسّر لكل بيت وسياقه التاريخي
- تراجم قصيرة للشعراء وفهرس للقوافي

> «وما نيلُ المطالبِ بالتمنّي، ولكنْ تُؤخَذُ الدنيا غِلابا» — أحمد شوقي

| الصيغة | يناسب |
|---|---|
| PDF | الطباعة والقراءة على الحاسوب |
| EPUB | الهواتف وأجهزة القراءة مثل Kindle وKobo |
""",
            price_minor=3900,
            cover=("مختارات من الشعر العربي في الحكمة", "sand"),
            files=[
                DemoFile(
                    "الكتاب بصيغة PDF",
                    [("1.0", "diwan-al-hikma.pdf", _pdf("ديوان الحكمة", HIKMA_TEXT * 2, True))],
                ),
                DemoFile(
                    "الكتاب بصيغة EPUB",
                    [
                        (
                            "1.0",
                            "diwan-al-hikma.epub",
                            demo_files.epub(
                                "ديوان الحكمة",
                                "ar",
                                [("الباب الأول: في الصبر", HIKMA_TEXT)],
                            ),
                        )
                    ],
                ),
            ],
            sample=(
                "diwan-al-hikma-sample.pdf",
                _pdf("ديوان الحكمة — فصل مجاني", HIKMA_TEXT, True),
            ),
            fields={"compare_at_minor": 4900, "show_sales_count": True, "pdf_stamping": True},
            gallery=[
                ("صفحة من الباب الأول", _page_png("ديوان الحكمة", HIKMA_TEXT, True)),
                ("صفحة من الباب الثاني", _page_png("ديوان الحكمة", HIKMA_TEXT[200:], True)),
            ],
        ),
        DemoProduct(
            published_days_ago=1,
            title="تاريخ الأندلس المختصر",
            summary="ثمانية قرون من الحضارة، من عبور طارق بن زياد إلى سقوط غرناطة، في كتاب واحد سهل القراءة.",
            description="""\
## لماذا هذا الكتاب؟
كُتب عن الأندلس الكثير، لكنّ أغلبه مجلّدات ضخمة لا يقرؤها إلا المتخصّصون. هذا الكتاب يروي القصة كاملة في **عشرة فصول قصيرة**، بخرائط وجداول زمنية.

### الفصول
1. العبور (٩٢ هـ)
2. عصر الولاة
3. عبد الرحمن الداخل وقيام الإمارة
4. قرطبة في عصر الخلافة
5. ملوك الطوائف
6. المرابطون والموحّدون
7. مملكة غرناطة

**عرض لفترة محدودة:** السعر المخفَّض ينتهي مع نهاية العدّاد.
""",
            price_minor=5500,
            cover=("من عبور المضيق إلى سقوط غرناطة", "night"),
            files=[
                DemoFile(
                    "الكتاب بصيغة PDF",
                    [
                        (
                            "1.0",
                            "tarikh-al-andalus.pdf",
                            _pdf("تاريخ الأندلس المختصر", ANDALUS_TEXT * 3, True),
                        )
                    ],
                )
            ],
            sample=(
                "tarikh-al-andalus-sample.pdf",
                _pdf("تاريخ الأندلس — الفصل الأول", ANDALUS_TEXT, True),
            ),
            fields={
                "sale_price_minor": 3900,
                "sale_starts_at": now - timedelta(days=1),
                "sale_ends_at": now + timedelta(days=3, hours=5),
                "pdf_stamping": True,
                "show_sales_count": True,
            },
        ),
        DemoProduct(
            published_days_ago=0,
            title="عادات صغيرة، نتائج كبيرة — الطبعة الأولى",
            summary="طبعة الإطلاق المحدودة: مئة نسخة فقط، مع ملحق تمارين حصري لا يُباع منفصلًا.",
            description="""\
## طبعة محدودة
هذه **الطبعة الأولى** من الكتاب، ولن نبيع منها أكثر من **مئة نسخة**. بعد نفادها تُتاح الطبعة العادية بلا ملحق التمارين.

- ثلاثون عادة صغيرة، لكل عادة تمرين عملي
- جدول متابعة شهري قابل للطباعة
- ملحق حصري: «خطة الأيام الثلاثين»
""",
            price_minor=6900,
            cover=("الطبعة الأولى — مئة نسخة فقط", "olive"),
            files=[
                DemoFile(
                    "الكتاب بصيغة PDF",
                    [
                        (
                            "1.0",
                            "adat-saghira.pdf",
                            _pdf("عادات صغيرة، نتائج كبيرة", HABITS_TEXT * 3, True),
                        )
                    ],
                ),
                DemoFile(
                    "ملحق التمارين",
                    [
                        (
                            "1.0",
                            "adat-saghira-tamarin.pdf",
                            _pdf("خطة الأيام الثلاثين", HABITS_TEXT, True),
                        )
                    ],
                ),
            ],
            sample=("adat-saghira-sample.pdf", _pdf("عادات صغيرة — المقدّمة", HABITS_TEXT, True)),
            fields={"quantity_limit": 100, "pdf_stamping": True},
        ),
        DemoProduct(
            published_days_ago=10,
            title="رسائل إلى كاتب شاب",
            summary="عشر رسائل قصيرة في صنعة الكتابة. ادفع ما تراه مناسبًا.",
            description="""\
كتيّب صغير كتبناه لكل من يحلم بأن يكتب. **ادفع ما تراه مناسبًا**، بدءًا من خمسة ريالات؛ ويذهب ريع الكتيّب إلى دعم ورش الكتابة للشباب.

- عشر رسائل في عشرين صفحة
- تمرين كتابة في نهاية كل رسالة
""",
            price_minor=1500,
            cover=("عشر رسائل في صنعة الكتابة", "rose"),
            files=[
                DemoFile(
                    "الكتيّب بصيغة PDF",
                    [
                        (
                            "1.0",
                            "rasail-ila-katib.pdf",
                            _pdf("رسائل إلى كاتب شاب", LETTERS_TEXT * 3, True),
                        )
                    ],
                )
            ],
            sample=("rasail-sample.pdf", _pdf("الرسالة الأولى", LETTERS_TEXT, True)),
            fields={"pay_what_you_want": True, "min_price_minor": 500},
        ),
        DemoProduct(
            published_days_ago=20,
            title="مجموعة الورّاق: ثلاثة كتب",
            summary="ديوان الحكمة وتاريخ الأندلس ورسائل إلى كاتب شاب معًا، بسعر أقل.",
            description="""\
ثلاثة من أحبّ كتبنا إلى القرّاء في مجموعة واحدة. تحصل على **كل الصيغ** المتاحة لكل كتاب، وعلى أي تحديث لاحق مجانًا.
""",
            price_minor=7900,
            kind=ProductKind.BUNDLE,
            cover=("ثلاثة كتب في مجموعة واحدة", "teal"),
            sample=(
                "majmoua-sample.pdf",
                _pdf("مجموعة الورّاق — فصول مختارة", HIKMA_TEXT + ANDALUS_TEXT, True),
            ),
            fields={"compare_at_minor": 10900},
            bundle_of=["ديوان الحكمة", "تاريخ الأندلس المختصر", "رسائل إلى كاتب شاب"],
        ),
    ]


# --- افزونه‌سرا (afzoonesara): Persian WordPress plugins, IRR (shown in toman) ---------------

JALALI_PHP = """\
add_filter( 'date_i18n', 'afzoone_jalali_date', 10, 4 );

function afzoone_jalali_date( $date, $format, $timestamp, $gmt ) {
    if ( get_locale() !== 'fa_IR' ) {
        return $date;
    }
    return afzoone_to_jalali( $format, $timestamp );
}

function afzoone_to_jalali( $format, $timestamp ) {
    list( $gy, $gm, $gd ) = explode( '-', gmdate( 'Y-m-d', $timestamp ) );
    $g_d_m = array( 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334 );
    $gy2 = ( $gm > 2 ) ? ( $gy + 1 ) : $gy;
    $days = 355666 + ( 365 * $gy ) + (int) ( ( $gy2 + 3 ) / 4 ) - (int) ( ( $gy2 + 99 ) / 100 )
        + (int) ( ( $gy2 + 399 ) / 400 ) + $gd + $g_d_m[ $gm - 1 ];
    $jy = -1595 + ( 33 * (int) ( $days / 12053 ) );
    $days %= 12053;
    $jy += 4 * (int) ( $days / 1461 );
    $days %= 1461;
    if ( $days > 365 ) {
        $jy += (int) ( ( $days - 1 ) / 365 );
        $days = ( $days - 1 ) % 365;
    }
    $jm = ( $days < 186 ) ? 1 + (int) ( $days / 31 ) : 7 + (int) ( ( $days - 186 ) / 30 );
    $jd = 1 + ( ( $days < 186 ) ? ( $days % 31 ) : ( ( $days - 186 ) % 30 ) );
    return sprintf( '%04d/%02d/%02d', $jy, $jm, $jd );
}
"""

ZARINPAL_PHP = """\
add_filter( 'woocommerce_payment_gateways', function ( $gateways ) {
    $gateways[] = 'Afzoone_Zarinpal_Gateway';
    return $gateways;
} );

add_action( 'plugins_loaded', function () {
    if ( ! class_exists( 'WC_Payment_Gateway' ) ) {
        return;
    }
    class Afzoone_Zarinpal_Gateway extends WC_Payment_Gateway {
        public function __construct() {
            $this->id                 = 'afzoone_zarinpal';
            $this->method_title       = 'زرین‌پال';
            $this->method_description = 'پرداخت امن با همه‌ی کارت‌های شتاب';
            $this->init_form_fields();
            $this->init_settings();
            $this->title = $this->get_option( 'title', 'پرداخت با زرین‌پال' );
        }
    }
} );
"""

INVOICE_PHP = """\
add_action( 'woocommerce_order_actions', function ( $actions ) {
    $actions['afzoone_invoice'] = 'چاپ فاکتور رسمی';
    return $actions;
} );
"""

FONT_PHP = """\
add_action( 'wp_enqueue_scripts', function () {
    $font = get_option( 'fontyar_family', 'Vazirmatn' );
    wp_add_inline_style( 'wp-block-library', "body, button, input { font-family: '{$font}', Tahoma, sans-serif; }" );
} );
"""

GUIDE_TEXT = """\
راهنمای نصب
۱. از پیشخوان وردپرس به «افزونه‌ها ← افزودن» بروید و فایل زیپ را بارگذاری کنید.
۲. افزونه را فعال کنید و از منوی «تنظیمات» زبان سایت را روی فارسی بگذارید.
۳. تاریخ سفارش‌ها، گزارش‌ها و ایمیل‌های ووکامرس از همین لحظه شمسی نمایش داده می‌شود.
اگر سؤالی داشتید، از گفت‌وگوی آنلاین پایین صفحه با ما در تماس باشید؛ پشتیبانان ما در ساعات کاری پاسخ می‌دهند.
"""


def afzoonesara() -> list[DemoProduct]:
    now = timezone.now()
    jalali = "persian-date-woo"
    return [
        DemoProduct(
            published_days_ago=2,
            title="افزونه‌ی تاریخ شمسی ووکامرس",
            summary="همه‌ی تاریخ‌های وردپرس و ووکامرس را شمسی می‌کند: سفارش‌ها، گزارش‌ها، ایمیل‌ها و فاکتورها.",
            description="""\
## چرا این افزونه؟
مشتری ایرانی تاریخ میلادی را نمی‌فهمد و مدیر فروشگاه هم نباید هر بار تاریخ را در ذهنش تبدیل کند. این افزونه **بدون تغییر پایگاه داده** همه‌ی تاریخ‌ها را در نمایش شمسی می‌کند.

### امکانات
- تاریخ شمسی در سفارش‌ها، گزارش‌ها و ایمیل‌های ووکامرس
- تقویم شمسی در انتخابگر تاریخ پیشخوان
- سازگار با WooCommerce 8 و HPOS
- پشتیبانی و به‌روزرسانی رایگان به مدت یک سال

| نسخه | سازگار با |
|---|---|
| 2.4.0 | WordPress 6.6 و WooCommerce 9 |
| 2.3.0 | WordPress 6.4 |
""",
            price_minor=4_900_000,
            cover=("تاریخ شمسی برای وردپرس و ووکامرس", "sky"),
            files=[
                DemoFile(
                    "فایل افزونه (zip)",
                    [
                        (
                            "2.3.0",
                            f"{jalali}-2.3.0.zip",
                            demo_files.wordpress_plugin(
                                jalali,
                                "Persian Date for WooCommerce",
                                "2.3.0",
                                "Jalali dates everywhere in WooCommerce.",
                                JALALI_PHP,
                            ),
                        ),
                        (
                            "2.4.0",
                            f"{jalali}-2.4.0.zip",
                            demo_files.wordpress_plugin(
                                jalali,
                                "Persian Date for WooCommerce",
                                "2.4.0",
                                "Jalali dates everywhere in WooCommerce (HPOS ready).",
                                JALALI_PHP,
                            ),
                        ),
                    ],
                )
            ],
            sample=("rahnama-nasb.pdf", _pdf("راهنمای نصب افزونه‌ی تاریخ شمسی", GUIDE_TEXT, True)),
            fields={"show_sales_count": True},
            gallery=[("راهنمای نصب، صفحه‌ی اول", _page_png("راهنمای نصب", GUIDE_TEXT, True))],
        ),
        DemoProduct(
            published_days_ago=1,
            title="درگاه پرداخت زرین‌پال برای ووکامرس",
            summary="پرداخت امن با همه‌ی کارت‌های عضو شتاب، بازگشت خودکار به فروشگاه و ثبت شماره‌ی پیگیری.",
            description="""\
## پرداخت بی‌دردسر
مشتری روی «پرداخت» می‌زند، در درگاه زرین‌پال کارتش را وارد می‌کند و **خودکار** به صفحه‌ی تأیید سفارش برمی‌گردد. شماره‌ی پیگیری در سفارش ثبت می‌شود.

- تأیید دوباره‌ی تراکنش از سمت سرور (Verify)
- پشتیبانی از مبلغ به تومان و ریال
- گزارش تراکنش‌های ناموفق

**تخفیف ویژه‌ی این هفته** تا پایان شمارش معکوس.
""",
            price_minor=3_900_000,
            cover=("درگاه پرداخت امن برای فروشگاه شما", "mint"),
            files=[
                DemoFile(
                    "فایل افزونه (zip)",
                    [
                        (
                            "1.8.2",
                            "zarinpal-woo-1.8.2.zip",
                            demo_files.wordpress_plugin(
                                "zarinpal-woo",
                                "Zarinpal for WooCommerce",
                                "1.8.2",
                                "Zarinpal payment gateway.",
                                ZARINPAL_PHP,
                            ),
                        )
                    ],
                )
            ],
            sample=("zarinpal-rahnama.pdf", _pdf("راهنمای تنظیم درگاه زرین‌پال", GUIDE_TEXT, True)),
            fields={
                "sale_price_minor": 2_900_000,
                "sale_starts_at": now - timedelta(hours=6),
                "sale_ends_at": now + timedelta(days=5),
            },
        ),
        DemoProduct(
            published_days_ago=0,
            title="فاکتور رسمی فارسی — نسخه‌ی ویژه‌ی عرضه",
            summary="فاکتور رسمی با سربرگ، مهر و شماره‌ی اقتصادی؛ فقط ۵۰ نسخه با قیمت عرضه.",
            description="""\
## نسخه‌ی ویژه‌ی عرضه
برای جشن انتشار، **فقط ۵۰ نسخه** را با قیمت ویژه و پشتیبانی مادام‌العمر می‌فروشیم.

- فاکتور رسمی مطابق الزامات سازمان امور مالیاتی
- سربرگ، امضا و مهر فروشگاه
- خروجی PDF و چاپ مستقیم
""",
            price_minor=5_900_000,
            cover=("فاکتور رسمی برای ووکامرس", "ink"),
            files=[
                DemoFile(
                    "فایل افزونه (zip)",
                    [
                        (
                            "1.0.0",
                            "rasmi-invoice-1.0.0.zip",
                            demo_files.wordpress_plugin(
                                "rasmi-invoice",
                                "Official Persian Invoice",
                                "1.0.0",
                                "Official invoices for WooCommerce orders.",
                                INVOICE_PHP,
                            ),
                        )
                    ],
                )
            ],
            sample=("faktor-nemoone.pdf", _pdf("نمونه‌ی فاکتور رسمی", GUIDE_TEXT, True)),
            fields={"quantity_limit": 50},
        ),
        DemoProduct(
            published_days_ago=12,
            title="فونت‌یار: فونت فارسی برای هر قالب",
            summary="فونت وزیرمتن را با یک کلیک روی هر قالب وردپرس بنشانید. هر قدر خواستید بپردازید.",
            description="""\
افزونه‌ای کوچک و رایگان برای همه؛ اگر به کارتان آمد، **هر مبلغی که دوست دارید** بپردازید تا توسعه‌اش ادامه پیدا کند.

- فونت‌های وزیرمتن، ساحل و صمیم
- بدون بارگذاری از سرور خارجی
""",
            price_minor=990_000,
            cover=("فونت فارسی زیبا برای هر قالب", "rose"),
            files=[
                DemoFile(
                    "فایل افزونه (zip)",
                    [
                        (
                            "3.1.0",
                            "fontyar-3.1.0.zip",
                            demo_files.wordpress_plugin(
                                "fontyar",
                                "Fontyar",
                                "3.1.0",
                                "Persian fonts for any theme.",
                                FONT_PHP,
                            ),
                        )
                    ],
                )
            ],
            sample=("fontyar-rahnama.pdf", _pdf("راهنمای فونت‌یار", GUIDE_TEXT, True)),
            fields={"pay_what_you_want": True, "min_price_minor": 0},
        ),
        DemoProduct(
            published_days_ago=25,
            title="بسته‌ی کامل فروشگاه ایرانی",
            summary="تاریخ شمسی، درگاه زرین‌پال و فونت‌یار با هم، ارزان‌تر از خرید جداگانه.",
            description="""\
هر آنچه یک فروشگاه ووکامرس ایرانی از روز اول لازم دارد، در **یک بسته**:

1. افزونه‌ی تاریخ شمسی ووکامرس
2. درگاه پرداخت زرین‌پال
3. فونت‌یار
""",
            price_minor=8_900_000,
            kind=ProductKind.BUNDLE,
            cover=("سه افزونه‌ی ضروری در یک بسته", "teal"),
            sample=("baste-rahnama.pdf", _pdf("راهنمای بسته‌ی کامل", GUIDE_TEXT, True)),
            fields={"compare_at_minor": 9_790_000},
            bundle_of=[
                "افزونه‌ی تاریخ شمسی ووکامرس",
                "درگاه پرداخت زرین‌پال برای ووکامرس",
                "فونت‌یار: فونت فارسی برای هر قالب",
            ],
        ),
    ]


# --- Cedar Apps (cedar-apps): English desktop software, USD ----------------------------------

LENS_SOURCE = """\
import argparse
import html
import pathlib
import re

VERSION = "{version}"


def render(text: str) -> str:
    out = []
    for line in text.splitlines():
        heading = re.match(r"^(#{{1,6}}) (.*)", line)
        if heading:
            level = len(heading.group(1))
            out.append(f"<h{{level}}>{{html.escape(heading.group(2))}}</h{{level}}>")
        elif line.strip():
            out.append(f"<p>{{html.escape(line)}}</p>")
    return "\\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(prog="markdown-lens", description="Preview Markdown as HTML.")
    parser.add_argument("file", type=pathlib.Path)
    parser.add_argument("--version", action="version", version=VERSION)
    args = parser.parse_args()
    print(render(args.file.read_text(encoding="utf-8")))


if __name__ == "__main__":
    main()
"""

VAULT_SOURCE = """\
import json
import pathlib
import sys

STORE = pathlib.Path.home() / ".snippet-vault.json"


def main() -> None:
    snippets = json.loads(STORE.read_text()) if STORE.exists() else {}
    if len(sys.argv) == 3:
        snippets[sys.argv[1]] = sys.argv[2]
        STORE.write_text(json.dumps(snippets, indent=2))
    elif len(sys.argv) == 2:
        print(snippets.get(sys.argv[1], ""))
    else:
        print("\\n".join(sorted(snippets)))


if __name__ == "__main__":
    main()
"""

TIMER_SOURCE = """\
import sys
import time


def main() -> None:
    minutes = int(sys.argv[1]) if len(sys.argv) > 1 else 25
    for left in range(minutes * 60, 0, -1):
        print(f"\\r{left // 60:02d}:{left % 60:02d}", end="", flush=True)
        time.sleep(1)
    print("\\a\\nTime for a break.")


if __name__ == "__main__":
    main()
"""

MANUAL_TEXT = """\
Getting started
Markdown Lens opens any .md file and shows it the way your readers will see it, updating as you type.
Press Ctrl+O to open a file, Ctrl+E to export it to PDF or HTML, and Ctrl+\\ to show the outline.
Your licence key arrives by email after purchase; paste it into Help > Activate.
"""


LENS_SHOT = [
    "Release notes 2.1",
    "Outline view: jump between headings with Ctrl+\\.",
    "Live reload: the preview follows every keystroke.",
    "Tables, footnotes and math render as your readers see them.",
    "Code blocks are highlighted in 190 languages.",
]
EXPORT_SHOT = [
    "Export",
    "Format: PDF (A4, 2 cm margins)",
    "Also: HTML with embedded images, DOCX",
    "Fonts are embedded; links stay clickable.",
]


def cedar_apps() -> list[DemoProduct]:
    now = timezone.now()

    def lens(version: str, trial: bool = False) -> bytes:
        return demo_files.desktop_app(
            "markdown-lens", "Markdown Lens", version, LENS_SOURCE.format(version=version),
            trial=trial,
        )  # fmt: skip

    return [
        DemoProduct(
            published_days_ago=2,
            title="Markdown Lens",
            summary="A fast Markdown previewer with live reload, an outline view and one-click export to PDF and HTML.",
            description="""\
## See your writing the way readers will
Markdown Lens watches your file and re-renders it **as you type**: tables, footnotes, code with syntax highlighting, and math.

### Highlights
- Live preview for files of any size (tested on a 4 MB changelog)
- Outline view to jump between headings
- Export to PDF, HTML or DOCX
- Works offline; nothing leaves your machine

| Plan | Devices | Updates |
|---|---|---|
| Personal | 3 | all 2.x versions |

Try the free trial build first: it is the full app for 14 days.
""",
            price_minor=2900,
            kind=ProductKind.SOFTWARE,
            cover=("Live Markdown preview for Windows, macOS and Linux", "ink"),
            files=[
                DemoFile(
                    "Markdown Lens for Linux (x86-64)",
                    [
                        ("2.0.0", "markdown-lens-2.0.0-linux-x86_64.tar.gz", lens("2.0.0")),
                        ("2.1.0", "markdown-lens-2.1.0-linux-x86_64.tar.gz", lens("2.1.0")),
                    ],
                ),
                DemoFile(
                    "User manual (PDF)",
                    [
                        (
                            "2.1",
                            "markdown-lens-manual.pdf",
                            _pdf("Markdown Lens manual", MANUAL_TEXT * 3, False),
                        )
                    ],
                ),
            ],
            sample=("markdown-lens-2.1.0-trial.tar.gz", lens("2.1.0", trial=True)),
            fields={"show_sales_count": True, "compare_at_minor": 3900},
            gallery=[
                (
                    "The live preview beside the outline",
                    demo_files.screenshot("Markdown Lens", LENS_SHOT, PALETTES["ink"]),
                ),
                (
                    "Export to PDF, HTML or DOCX",
                    demo_files.screenshot("Markdown Lens — Export", EXPORT_SHOT, PALETTES["ink"]),
                ),
            ],
        ),
        DemoProduct(
            published_days_ago=1,
            title="Snippet Vault",
            summary="Keep every code snippet one keystroke away, synced through a folder you already use.",
            description="""\
Snippet Vault is a tiny, keyboard-first snippet manager. Press **Alt+Space**, type two letters, and the snippet is in your clipboard.

- Stores snippets as plain JSON you own
- Syncs through Dropbox, iCloud Drive or any folder
- Fuzzy search across 10,000 snippets in under a blink

**Launch week sale:** the discount ends when the countdown does.
""",
            price_minor=1900,
            kind=ProductKind.SOFTWARE,
            cover=("Every snippet one keystroke away", "teal"),
            files=[
                DemoFile(
                    "Snippet Vault for Linux (x86-64)",
                    [
                        (
                            "1.4.0",
                            "snippet-vault-1.4.0-linux-x86_64.tar.gz",
                            demo_files.desktop_app(
                                "snippet-vault", "Snippet Vault", "1.4.0", VAULT_SOURCE
                            ),
                        )
                    ],
                )
            ],
            sample=(
                "snippet-vault-1.4.0-trial.tar.gz",
                demo_files.desktop_app(
                    "snippet-vault", "Snippet Vault", "1.4.0", VAULT_SOURCE, trial=True
                ),
            ),
            fields={
                "sale_price_minor": 1400,
                "sale_starts_at": now - timedelta(hours=2),
                "sale_ends_at": now + timedelta(days=4),
            },
        ),
        DemoProduct(
            published_days_ago=0,
            title="Markdown Lens — Founders' Edition",
            summary="Every future major version, your name in the About box, and the private roadmap. 100 copies.",
            description="""\
The **Founders' Edition** is how we fund version 3. There will only ever be **100 copies**.

- A lifetime licence: every future major version, free
- Your name in the About box (tell us how to spell it)
- Access to the private roadmap and monthly builds
""",
            price_minor=7900,
            kind=ProductKind.SOFTWARE,
            cover=("Lifetime licence. 100 copies, ever.", "night"),
            files=[
                DemoFile(
                    "Markdown Lens for Linux (x86-64)",
                    [("2.1.0", "markdown-lens-2.1.0-linux-x86_64.tar.gz", lens("2.1.0"))],
                )
            ],
            sample=(
                "markdown-lens-manual-sample.pdf",
                _pdf("Markdown Lens manual", MANUAL_TEXT, False),
            ),
            fields={"quantity_limit": 100},
        ),
        DemoProduct(
            published_days_ago=14,
            title="Focus Timer",
            summary="A no-nonsense Pomodoro timer for the terminal. Pay what you want.",
            description="""\
One command, one number: `focus-timer 25`. It counts down, rings the bell, and gets out of your way.

Pay what you think it is worth, from **$3**. We suggest $8.
""",
            price_minor=800,
            kind=ProductKind.SOFTWARE,
            cover=("A Pomodoro timer for the terminal", "olive"),
            files=[
                DemoFile(
                    "Focus Timer (all platforms)",
                    [
                        (
                            "1.0.2",
                            "focus-timer-1.0.2.tar.gz",
                            demo_files.desktop_app(
                                "focus-timer", "Focus Timer", "1.0.2", TIMER_SOURCE
                            ),
                        )
                    ],
                )
            ],
            sample=(
                "focus-timer-1.0.2-trial.tar.gz",
                demo_files.desktop_app(
                    "focus-timer", "Focus Timer", "1.0.2", TIMER_SOURCE, trial=True
                ),
            ),
            fields={"pay_what_you_want": True, "min_price_minor": 300},
        ),
        DemoProduct(
            published_days_ago=30,
            title="Writer's Toolkit",
            summary="Markdown Lens, Snippet Vault and Focus Timer together, for less.",
            description="""\
Everything you need to write, keep and finish: **three apps, one licence email**.
""",
            price_minor=3900,
            kind=ProductKind.BUNDLE,
            cover=("Three apps for people who write", "sky"),
            sample=(
                "markdown-lens-manual-sample.pdf",
                _pdf("Writer's Toolkit guide", MANUAL_TEXT, False),
            ),
            fields={"compare_at_minor": 5600},
            bundle_of=["Markdown Lens", "Snippet Vault", "Focus Timer"],
        ),
    ]


CATALOGS = {"alwarraq": alwarraq, "afzoonesara": afzoonesara, "cedar-apps": cedar_apps}


def _make(store: Store, spec: DemoProduct) -> Product:
    rtl = store.default_language in ("ar", "fa")
    product = services.create_product(
        store,
        title=spec.title,
        summary=spec.summary,
        description=spec.description,
        price_minor=spec.price_minor,
        kind=spec.kind,
        visibility=Visibility.PUBLISHED,
        **spec.fields,
    )
    subtitle, palette = spec.cover
    png = demo_files.cover_png(
        spec.title, subtitle, store.name, rtl=rtl, colours=PALETTES[palette or "sand"]
    )
    services.set_cover(product, ContentFile(png, name="cover.png"))
    for demo_file in spec.files:
        for label, name, content in demo_file.versions:
            services.add_file(
                product, ContentFile(content, name=name), title=demo_file.title, label=label
            )
    if spec.sample is not None:
        name, content = spec.sample
        services.set_sample(product, ContentFile(content, name=name))
    for alt, picture in spec.gallery:
        services.add_gallery_image(product, ContentFile(picture, name="picture.png"), alt=alt)
    if spec.bundle_of:
        items = [scoped(Product, store).get(title=title) for title in spec.bundle_of]
        services.set_bundle_items(product, items)
    # A catalog that grew over weeks, not one made in a second (demo data only).
    published = timezone.now() - timedelta(days=spec.published_days_ago)
    scoped(Product, store).filter(pk=product.pk).update(published_at=published)
    return product


def load(stores: dict[str, Store], people: dict[str, User]) -> None:
    for slug, catalog in CATALOGS.items():
        store = stores.get(slug)
        if store is None:
            continue
        existing = set(scoped(Product, store).values_list("title", flat=True))
        for spec in catalog():
            if spec.title not in existing:
                _make(store, spec)
