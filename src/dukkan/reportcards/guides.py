"""The sellers' guides that report-card suggestions link to, in English, Arabic and Persian.

They are articles in the operator's knowledge base (the store named in the report-card
settings), one translation group per guide, so the help center links the languages to each
other and a card links to the guide in its reader's language. The operator may edit them
like any other article; `ensure_guides` only adds what is missing.
"""

from __future__ import annotations

# code: {language: (title, Markdown body)}
GUIDES: dict[str, dict[str, tuple[str, str]]] = {
    "canned_replies": {
        "en": (
            "Answer faster with canned replies and an FAQ",
            "Buyers decide within minutes whether to wait for you. Most first messages ask "
            "the same few things, so prepare those answers once.\n\n"
            "1. Read your last twenty conversations and write down the five questions you "
            "were asked most (delivery time, what you need from the buyer, file formats, "
            "revisions, price of extras).\n"
            "2. Save an answer to each as a **canned reply** in the inbox, in your own words, "
            "with a short greeting you can personalise.\n"
            "3. Publish the same answers as **FAQ** entries in your help center: many buyers "
            "find them before they write, and the answer bot can reply with them at night.\n"
            "4. Turn on notifications on your phone during your working hours and answer "
            "every new conversation within an hour, even if only to say when you will start.\n\n"
            "Your report card shows your first-response time and response rate each month: "
            "watch them fall.",
        ),
        "ar": (
            "ردّ أسرع بالردود الجاهزة والأسئلة الشائعة",
            "يقرّر المشتري خلال دقائق هل ينتظرك أم يذهب إلى غيرك. ومعظم الرسائل الأولى تسأل "
            "عن الأشياء نفسها، فجهّز أجوبتها مرة واحدة.\n\n"
            "1. راجع آخر عشرين محادثة واكتب الأسئلة الخمسة الأكثر تكرارًا (مدة التسليم، وما "
            "تحتاجه من المشتري، وصيغ الملفات، والتعديلات، وسعر الإضافات).\n"
            "2. احفظ جواب كل سؤال **ردًّا جاهزًا** في صندوق الرسائل، بأسلوبك، مع تحية قصيرة "
            "تستطيع أن تخصّصها لكل مشترٍ.\n"
            "3. انشر الأجوبة نفسها **أسئلةً شائعة** في مركز المساعدة: كثير من المشترين يجدونها "
            "قبل أن يكتبوا، ويستطيع المجيب الآلي أن يرد بها ليلًا.\n"
            "4. فعّل التنبيهات على هاتفك في ساعات عملك وردّ على كل محادثة جديدة خلال ساعة، ولو "
            "لتقول متى ستبدأ.\n\n"
            "تعرض بطاقة تقريرك كل شهر زمن ردّك الأول ونسبة ردودك: راقبها وهي تتحسن.",
        ),
        "fa": (
            "با پاسخ‌های آماده و پرسش‌های متداول سریع‌تر جواب دهید",
            "خریدار در چند دقیقه تصمیم می‌گیرد که منتظر شما بماند یا نه. بیشتر پیام‌های اول "
            "همان چند پرسش همیشگی‌اند؛ پس پاسخشان را یک بار آماده کنید.\n\n"
            "1. بیست گفت‌وگوی آخرتان را مرور کنید و پنج پرسشی را که بیش از همه شنیده‌اید "
            "بنویسید (زمان تحویل، آنچه از خریدار لازم دارید، قالب فایل‌ها، اصلاحیه‌ها، قیمت "
            "خدمات اضافه).\n"
            "2. پاسخ هر کدام را به زبان خودتان به‌صورت **پاسخ آماده** در صندوق پیام ذخیره "
            "کنید، با سلامی کوتاه که بتوانید برای هر خریدار شخصی‌اش کنید.\n"
            "3. همین پاسخ‌ها را در مرکز راهنما به‌صورت **پرسش متداول** منتشر کنید: بسیاری از "
            "خریداران پیش از نوشتن آن‌ها را پیدا می‌کنند و پاسخ‌گوی خودکار شب‌ها با آن‌ها "
            "جواب می‌دهد.\n"
            "4. در ساعت‌های کاری اعلان‌های گوشی را روشن کنید و به هر گفت‌وگوی تازه در کمتر از "
            "یک ساعت پاسخ دهید، حتی اگر فقط بگویید کی شروع می‌کنید.\n\n"
            "کارنامهٔ ماهانهٔ شما زمان اولین پاسخ و نرخ پاسخ‌گویی را نشان می‌دهد: کم‌شدنش را "
            "دنبال کنید.",
        ),
    },
    "requirements_form": {
        "en": (
            "Write a requirements form that prevents revisions",
            "Most revisions come from something you did not know when you started. The "
            "requirements form is where the buyer tells you, before the clock starts.\n\n"
            "- Ask for the facts you always need: names, sizes, colours, texts, deadlines, "
            "and the files you will work on.\n"
            "- Ask for one or two **examples** the buyer likes, and one they do not.\n"
            "- Make the questions without which you cannot start **required**; keep the rest "
            "optional so the form stays short (five to seven questions).\n"
            "- Write questions the buyer can answer without your jargon, and say which "
            'format you want ("a link or a PDF").\n'
            "- When a revision request surprises you, add the question that would have "
            "prevented it.\n\n"
            "The form is in your service's packages editor, under *Requirements form*.",
        ),
        "ar": (
            "اكتب نموذج متطلبات يمنع التعديلات",
            "معظم طلبات التعديل سببها شيء لم تعرفه حين بدأت. ونموذج المتطلبات هو المكان الذي "
            "يخبرك فيه المشتري قبل أن يبدأ العدّ.\n\n"
            "- اسأل عن المعلومات التي تحتاجها دائمًا: الأسماء والمقاسات والألوان والنصوص "
            "والمواعيد، والملفات التي ستعمل عليها.\n"
            "- اطلب **مثالًا** أو مثالين يعجبان المشتري، ومثالًا لا يعجبه.\n"
            "- اجعل الأسئلة التي لا تستطيع البدء دونها **إلزامية**، والباقي اختياريًا ليبقى "
            "النموذج قصيرًا (من خمسة إلى سبعة أسئلة).\n"
            "- اكتب أسئلة يفهمها المشتري دون مصطلحات مهنتك، وحدّد الصيغة التي تريدها "
            "(«رابط أو ملف PDF»).\n"
            "- كلما فاجأك طلب تعديل، أضف السؤال الذي كان سيمنعه.\n\n"
            "تجد النموذج في محرّر باقات خدمتك، تحت «نموذج المتطلبات».",
        ),
        "fa": (
            "فرم نیازمندی‌هایی بنویسید که جلوی اصلاحیه را بگیرد",
            "بیشتر درخواست‌های اصلاح از چیزی می‌آیند که هنگام شروع کار نمی‌دانستید. فرم "
            "نیازمندی‌ها جایی است که خریدار پیش از شروع زمان‌بندی آن را به شما می‌گوید.\n\n"
            "- اطلاعاتی را که همیشه لازم دارید بپرسید: نام‌ها، اندازه‌ها، رنگ‌ها، متن‌ها، "
            "مهلت‌ها و فایل‌هایی که روی آن‌ها کار می‌کنید.\n"
            "- یک یا دو **نمونه** که خریدار می‌پسندد و یکی که نمی‌پسندد بخواهید.\n"
            "- پرسش‌هایی را که بدون آن‌ها نمی‌توانید شروع کنید **اجباری** کنید و بقیه را "
            "اختیاری بگذارید تا فرم کوتاه بماند (پنج تا هفت پرسش).\n"
            "- پرسش‌ها را بی‌اصطلاحات تخصصی بنویسید و بگویید چه قالبی می‌خواهید "
            "(«پیوند یا فایل PDF»).\n"
            "- هر بار درخواست اصلاحی غافلگیرتان کرد، پرسشی را که جلویش را می‌گرفت اضافه "
            "کنید.\n\n"
            "فرم در ویرایشگر بسته‌های خدمت شما، زیر «فرم نیازمندی‌ها» است.",
        ),
    },
    "delivery_days": {
        "en": (
            "Choose realistic delivery days",
            "A late delivery costs more than a long delivery time: buyers can cancel late "
            "orders, and late orders lower your on-time rate and your level.\n\n"
            "- Promise the days you need in a **busy** week, not a quiet one.\n"
            "- Remember that the deadline starts when the buyer submits the requirements, "
            "and count your days off.\n"
            "- Give the premium package more days than the basic one when it includes more "
            "work; sell an *express delivery* extra instead of promising speed to everyone.\n"
            "- If you see you will be late, tell the buyer in the order's conversation before "
            "the deadline and agree on a new date.\n"
            "- Deliver early when you can: early delivery earns good reviews.",
        ),
        "ar": (
            "اختر مدة تسليم واقعية",
            "التسليم المتأخر يكلّفك أكثر من مدة التسليم الطويلة: فالمشتري يستطيع إلغاء الطلب "
            "المتأخر، والتأخير يُنقص نسبة تسليمك في الموعد ومستواك.\n\n"
            "- عِد بالأيام التي تحتاجها في أسبوع **مزدحم**، لا في أسبوع هادئ.\n"
            "- تذكّر أن المهلة تبدأ حين يرسل المشتري المتطلبات، واحسب أيام إجازتك.\n"
            "- امنح الباقة المميزة أيامًا أكثر من الأساسية إن كان فيها عمل أكثر، وبِع إضافة "
            "«تسليم مستعجل» بدل أن تعد الجميع بالسرعة.\n"
            "- إن رأيت أنك ستتأخر، فأخبر المشتري في محادثة الطلب قبل الموعد واتفقا على موعد "
            "جديد.\n"
            "- سلّم مبكرًا متى استطعت: التسليم المبكر يجلب تقييمات حسنة.",
        ),
        "fa": (
            "زمان تحویل واقع‌بینانه انتخاب کنید",
            "تحویل دیرهنگام از زمان تحویل طولانی گران‌تر تمام می‌شود: خریدار می‌تواند سفارش "
            "دیرکرده را لغو کند و تأخیر نرخ تحویل به‌موقع و سطح شما را پایین می‌آورد.\n\n"
            "- روزهایی را قول بدهید که در یک هفتهٔ **شلوغ** لازم دارید، نه هفته‌ای خلوت.\n"
            "- یادتان باشد مهلت از وقتی شروع می‌شود که خریدار نیازمندی‌ها را می‌فرستد؛ "
            "روزهای تعطیلتان را هم بشمارید.\n"
            "- اگر بستهٔ ویژه کار بیشتری دارد، روزهای بیشتری به آن بدهید و به‌جای قول سرعت به "
            "همه، خدمت اضافهٔ «تحویل فوری» بفروشید.\n"
            "- اگر دیدید دیر می‌شود، پیش از مهلت در گفت‌وگوی سفارش به خریدار بگویید و روی "
            "تاریخ تازه توافق کنید.\n"
            "- هر وقت توانستید زودتر تحویل دهید: تحویل زودهنگام نظر خوب می‌آورد.",
        ),
    },
    "scope": {
        "en": (
            "Agree on the scope before you start",
            "Cancelled and disputed orders usually start with two different ideas of the "
            "job.\n\n"
            "- Before you start, write back in the order's conversation what you will "
            "deliver, in which format, and how many revisions are included.\n"
            "- Say clearly what is **not** included, and offer it as an extra.\n"
            "- If the buyer asks for more than the package, propose the next package or an "
            "extra before you do the work.\n"
            "- Keep every agreement in the order's conversation: the operator reads it if a "
            "dispute is opened.",
        ),
        "ar": (
            "اتفق على نطاق العمل قبل أن تبدأ",
            "الطلبات الملغاة والمتنازع عليها تبدأ عادةً بفكرتين مختلفتين عن العمل.\n\n"
            "- قبل أن تبدأ، اكتب في محادثة الطلب ما ستسلّمه وبأي صيغة وكم تعديلًا يشمل.\n"
            "- قل بوضوح ما **لا** يشمله العمل، واعرضه إضافةً مدفوعة.\n"
            "- إن طلب المشتري أكثر مما في الباقة، فاقترح الباقة الأعلى أو إضافة قبل أن تعمل.\n"
            "- احفظ كل اتفاق في محادثة الطلب: يقرؤها مشغّل المنصة إن فُتح نزاع.",
        ),
        "fa": (
            "پیش از شروع روی محدودهٔ کار توافق کنید",
            "سفارش‌های لغوشده و مورد اختلاف معمولاً با دو تصور متفاوت از کار شروع می‌شوند.\n\n"
            "- پیش از شروع، در گفت‌وگوی سفارش بنویسید چه چیزی، در چه قالبی و با چند اصلاحیه "
            "تحویل می‌دهید.\n"
            "- روشن بگویید چه چیزی **شامل نمی‌شود** و آن را به‌صورت خدمت اضافه پیشنهاد "
            "کنید.\n"
            "- اگر خریدار بیش از بسته خواست، پیش از انجام کار بستهٔ بالاتر یا خدمت اضافه "
            "پیشنهاد دهید.\n"
            "- هر توافقی را در گفت‌وگوی سفارش نگه دارید: اگر اختلافی باز شود، گردانندهٔ "
            "بازارچه آن را می‌خواند.",
        ),
    },
    "descriptions": {
        "en": (
            "Describe exactly what the buyer gets",
            "Refunds come from surprises. A precise description sells better and is "
            "refunded less.\n\n"
            "- List the deliverables of each package: how many items, which file formats, "
            "what size or length.\n"
            "- Say what you need from the buyer and what you do not do.\n"
            "- Show real samples of your work, not stock pictures.\n"
            "- Update the description when buyers keep asking the same question about it.",
        ),
        "ar": (
            "صِف بدقة ما يحصل عليه المشتري",
            "الاستردادات سببها المفاجآت. والوصف الدقيق يبيع أكثر ويُسترد أقل.\n\n"
            "- عدّد مخرجات كل باقة: كم عنصرًا، وبأي صيغ ملفات، وبأي مقاس أو طول.\n"
            "- قل ما تحتاجه من المشتري وما لا تقدّمه.\n"
            "- اعرض نماذج حقيقية من عملك، لا صورًا جاهزة.\n"
            "- حدّث الوصف كلما تكرر سؤال المشترين عن الشيء نفسه.",
        ),
        "fa": (
            "دقیق بنویسید خریدار چه می‌گیرد",
            "بازپرداخت‌ها از غافلگیری می‌آیند. توضیح دقیق بهتر می‌فروشد و کمتر بازپرداخت "
            "می‌شود.\n\n"
            "- خروجی‌های هر بسته را بشمارید: چند مورد، در چه قالب فایلی، با چه اندازه یا "
            "طولی.\n"
            "- بگویید از خریدار چه لازم دارید و چه کاری را انجام نمی‌دهید.\n"
            "- نمونه‌های واقعی کارتان را نشان دهید، نه تصویرهای آماده.\n"
            "- هر وقت خریداران یک پرسش را دربارهٔ توضیحات تکرار کردند، آن را به‌روز کنید.",
        ),
    },
    "faq": {
        "en": (
            "Let the FAQ answer common questions",
            "Every question a buyer answers alone is a conversation you do not have to "
            "hold, and a sale that does not wait.\n\n"
            "- Publish an FAQ entry for each question you answered more than twice this "
            "month.\n"
            "- Keep each answer short and specific; link to the service it is about.\n"
            "- Write the question the way buyers write it, so search and the answer bot find "
            "it.\n"
            "- Check the help center's searches without results every month and answer them.",
        ),
        "ar": (
            "دع الأسئلة الشائعة تجيب عن الأسئلة المتكررة",
            "كل سؤال يجد المشتري جوابه وحده هو محادثة وفّرتها، وبيع لا ينتظر.\n\n"
            "- انشر سؤالًا شائعًا لكل سؤال أجبت عنه أكثر من مرتين هذا الشهر.\n"
            "- اجعل كل جواب قصيرًا ومحددًا، واربطه بالخدمة التي يتحدث عنها.\n"
            "- اكتب السؤال كما يكتبه المشترون، ليجده البحث والمجيب الآلي.\n"
            "- راجع كل شهر عمليات البحث التي لم تجد نتيجة في مركز المساعدة وأجب عنها.",
        ),
        "fa": (
            "بگذارید پرسش‌های متداول جواب پرسش‌های تکراری را بدهند",
            "هر پرسشی که خریدار خودش جوابش را پیدا کند، گفت‌وگویی است که لازم نیست شما "
            "پیش ببرید و فروشی است که منتظر نمی‌ماند.\n\n"
            "- برای هر پرسشی که این ماه بیش از دو بار جواب داده‌اید یک پرسش متداول منتشر "
            "کنید.\n"
            "- هر پاسخ را کوتاه و مشخص بنویسید و به خدمت مربوط پیوند دهید.\n"
            "- پرسش را همان‌طور بنویسید که خریداران می‌نویسند تا جست‌وجو و پاسخ‌گوی خودکار "
            "پیدایش کنند.\n"
            "- هر ماه جست‌وجوهای بی‌نتیجهٔ مرکز راهنما را ببینید و به آن‌ها پاسخ دهید.",
        ),
    },
    "pricing_guidance": {
        "en": (
            "Price by the value of your work",
            'A "micro" service does not have to be cheap. In most categories, buyers rate '
            "the higher-priced services higher: they pay for work they can rely on.\n\n"
            "- Open your service's packages editor: the **pricing guidance** shows the "
            "lower quartile, median and upper quartile of each package in your category, "
            "and where your prices stand.\n"
            "- If your rating is high and your prices are below the median, raise the "
            "standard and premium packages towards the median first.\n"
            "- Make the packages clearly different (more items, more revisions, faster "
            "delivery) so the higher price is easy to understand.\n"
            "- Sell extras for work that not every buyer needs instead of lowering the base "
            "price.\n"
            "- Change prices gradually and watch your orders and reviews for a month.",
        ),
        "ar": (
            "سعّر عملك بقيمته",
            "الخدمة «المصغّرة» لا يلزم أن تكون رخيصة. في معظم التصنيفات يقيّم المشترون "
            "الخدمات الأعلى سعرًا تقييمًا أعلى: فهم يدفعون مقابل عمل يعتمدون عليه.\n\n"
            "- افتح محرّر باقات خدمتك: يعرض **دليل التسعير** الربع الأدنى والوسيط والربع "
            "الأعلى لكل باقة في تصنيفك، وموقع أسعارك منها.\n"
            "- إن كان تقييمك عاليًا وأسعارك دون الوسيط، فارفع الباقتين القياسية والمميزة "
            "نحو الوسيط أولًا.\n"
            "- اجعل الفرق بين الباقات واضحًا (عناصر أكثر، تعديلات أكثر، تسليم أسرع) ليُفهم "
            "السعر الأعلى بسهولة.\n"
            "- بِع إضافات للأعمال التي لا يحتاجها كل مشترٍ بدل أن تخفض السعر الأساسي.\n"
            "- غيّر الأسعار تدريجيًا وراقب طلباتك وتقييماتك شهرًا.",
        ),
        "fa": (
            "کارتان را به اندازهٔ ارزشش قیمت بگذارید",
            "خدمت «خرد» لازم نیست ارزان باشد. در بیشتر دسته‌ها خریداران به خدمات گران‌تر "
            "امتیاز بالاتری می‌دهند: برای کاری پول می‌دهند که بتوانند به آن تکیه کنند.\n\n"
            "- ویرایشگر بسته‌های خدمتتان را باز کنید: **راهنمای قیمت‌گذاری** چارک پایین، "
            "میانه و چارک بالای هر بسته را در دستهٔ شما نشان می‌دهد و جای قیمت‌های شما را.\n"
            "- اگر امتیازتان بالاست و قیمت‌هایتان زیر میانه، اول بسته‌های استاندارد و ویژه را "
            "به سمت میانه ببرید.\n"
            "- تفاوت بسته‌ها را روشن کنید (موارد بیشتر، اصلاحیهٔ بیشتر، تحویل سریع‌تر) تا "
            "قیمت بالاتر به‌آسانی فهمیده شود.\n"
            "- به‌جای پایین آوردن قیمت پایه، برای کارهایی که همهٔ خریداران لازم ندارند خدمت "
            "اضافه بفروشید.\n"
            "- قیمت‌ها را کم‌کم تغییر دهید و یک ماه سفارش‌ها و نظرها را دنبال کنید.",
        ),
    },
}
