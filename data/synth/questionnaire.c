/* questionnaire.c — item tables; sources in docs/synthetic-data.md and ../shared/facts/. */
#include "questionnaire.h"

#define LIST(a) {a, sizeof a / sizeof a[0]}

static const synth_option sex[] = {
    {1, "男性", "Male", NULL},
    {2, "女性", "Female", NULL},
};
const synth_optlist synth_q_sex = LIST(sex);

/* Age bands of the national tables (national-survey.md, "Age bands used in published tables"). */
static const synth_option band[] = {
    {1, "16～19歳", "16-19", "16..19"}, {2, "20～29歳", "20-29", "20..29"},
    {3, "30～39歳", "30-39", "30..39"}, {4, "40～49歳", "40-49", "40..49"},
    {5, "50～59歳", "50-59", "50..59"}, {6, "60～69歳", "60-69", "60..69"},
    {7, "70～79歳", "70-79", "70..79"}, {8, "80歳以上", "80+", "80.."},
};
const synth_optlist synth_q_band = LIST(band);

static const synth_option alone[] = {
    {1, "一人暮らし", "Lives alone", NULL},
    {2, "同居者がいる", "Lives with others", NULL},
};
const synth_optlist synth_q_alone = LIST(alone);

/* 直接質問, national codes 1..5 (national-survey.md). */
static const synth_option lonely[] = {
    {1, "決してない", "Never", NULL},
    {2, "ほとんどない", "Hardly ever", NULL},
    {3, "たまにある", "Occasionally", NULL},
    {4, "時々ある", "Sometimes", NULL},
    {5, "しばしばある・常にある", "Often or always", NULL},
};
const synth_optlist synth_q_lonely = LIST(lonely);

/* UCLA items, codes 1..4 (national-survey.md). */
static const synth_option ucla[] = {
    {1, "決してない", "Never", NULL},
    {2, "ほとんどない", "Hardly ever", NULL},
    {3, "時々ある", "Sometimes", NULL},
    {4, "常にある", "Always", NULL},
};
const synth_optlist synth_q_ucla = LIST(ucla);

/* Published score bands (令和5年版厚生労働白書 図表1-3-8): 3 / 4-6 / 7-9 / 10-12. */
static const synth_option ucla_band[] = {
    {1, "決してない(3点)", "Never (3)", "3"},
    {2, "ほとんどない(4～6点)", "Hardly ever (4-6)", "4..6"},
    {3, "時々ある(7～9点)", "Sometimes (7-9)", "7..9"},
    {4, "常にある(10～12点)", "Always (10-12)", "10..12"},
};
const synth_optlist synth_q_ucla_band = LIST(ucla_band);

/* 外出頻度: the national categories are unverified; these are ILLUSTRATIVE. */
static const synth_option goout[] = {
    {1, "ほぼ毎日", "Almost every day", NULL},
    {2, "週に3～4日", "3-4 days a week", NULL},
    {3, "週に1～2日", "1-2 days a week", NULL},
    {4, "月に数日", "A few days a month", NULL},
    {5, "ほとんど外出しない", "Hardly ever goes out", NULL},
};
const synth_optlist synth_q_goout = LIST(goout);

/* How long the present frequency has lasted (asked when 月に数日 or less): ILLUSTRATIVE;
 * the 6-month cut follows the hikikomori definition cited for Kamakura (local-surveys.md). */
static const synth_option since[] = {
    {1, "6か月未満", "Under 6 months", NULL},
    {2, "6か月～1年未満", "6-12 months", NULL},
    {3, "1年～3年未満", "1-3 years", NULL},
    {4, "3年以上", "3 years or more", NULL},
};
const synth_optlist synth_q_since = LIST(since);

/* 相談相手の有無: the question is national; the codes 1/2 are ours (plausible). */
static const synth_option consult[] = {
    {1, "いる", "Has someone", NULL},
    {2, "いない", "Has no one", NULL},
};
const synth_optlist synth_q_consult = LIST(consult);

/* 相談相手 (multiple answer): the national list (Tokushima Prefecture's copy of the items). */
static const synth_option who[] = {
    {1, "家族・親族", "Family or relatives", NULL},
    {2, "友人・知人", "Friends or acquaintances", NULL},
    {3, "自治会・町内会・近所の人", "Neighbourhood association or neighbours", NULL},
    {4, "仕事・学校関係者", "People at work or school", NULL},
    {5, "行政機関", "Government office", NULL},
    {6, "公的な相談機関", "Public counselling service", NULL},
    {7, "NPO等", "NPO or similar", NULL},
    {8, "病院・診療所の医師", "Doctor at a hospital or clinic", NULL},
    {9, "その他", "Other", NULL},
};
const synth_optlist synth_q_who = LIST(who);

/* Events behind loneliness (multiple answer). 1-5 are named in the national publication
 * (wic-net 14544/17); 6-10 are ILLUSTRATIVE. */
static const synth_option events[] = {
    {1, "家族との死別", "Bereavement", NULL},
    {2, "一人暮らし", "Living alone", NULL},
    {3, "心身の重大なトラブル(病気・怪我等)", "Serious illness or injury", NULL},
    {4, "人間関係による重大なトラブル(いじめ・ハラスメント等を含む)",
     "Serious trouble with people (incl. bullying, harassment)", NULL},
    {5, "失業・休職・退学・休学(中退・不登校を含む)",
     "Job loss, leave, leaving or missing school", NULL},
    {6, "転居", "Moving house", NULL},
    {7, "家族の介護・看病", "Caring for a family member", NULL},
    {8, "新型コロナウイルス感染症の流行", "The COVID-19 pandemic", NULL},
    {9, "その他", "Other", NULL},
    {10, "特にない", "Nothing in particular", NULL},
};
const synth_optlist synth_q_events = LIST(events);

/* What would keep worries from becoming serious (multiple answer): ILLUSTRATIVE. */
static const synth_option help[] = {
    {1, "気軽に相談できる窓口", "An easy-to-use advice desk", NULL},
    {2, "SNS・チャットでの相談", "Advice by SNS or chat", NULL},
    {3, "趣味や交流の場・居場所", "Places to meet and belong", NULL},
    {4, "地域の見守り・声かけ", "Neighbourhood watch and greetings", NULL},
    {5, "悩みを話せる友人・知人", "Friends to talk to", NULL},
    {6, "支援制度の情報", "Information on support", NULL},
    {7, "経済的な支援", "Financial support", NULL},
    {8, "その他", "Other", NULL},
    {9, "特にない", "Nothing in particular", NULL},
};
const synth_optlist synth_q_help = LIST(help);

/* Yamagata's recruitment channels (local-surveys.md): QR flyers, the city's SNS, a panel. */
static const synth_option channel[] = {
    {1, "チラシ(QRコード)", "Flyer (QR code)", NULL},
    {2, "市公式SNS", "City's official SNS", NULL},
    {3, "調査会社モニター", "Web panel", NULL},
};
const synth_optlist synth_q_channel = LIST(channel);

/* Saitama: questionnaires mailed, answered by mail or web (local-surveys.md). */
static const synth_option mode[] = {
    {1, "郵送", "Mail", NULL},
    {2, "WEB", "Web", NULL},
};
const synth_optlist synth_q_mode = LIST(mode);

const char *const synth_ucla_short[3] = {"人とのつきあいがない", "取り残されている",
                                         "孤立している"};
const char *const synth_ucla_wording[3] = {
    "あなたは、自分には人とのつきあいがないと感じることがありますか",
    "あなたは、自分は取り残されていると感じることがありますか",
    "あなたは、自分は他の人たちから孤立していると感じることがありますか",
};
const char *const synth_ucla_en[3] = {"Lacks companionship", "Feels left out",
                                      "Feels isolated from others"};

const char *const synth_comments[SYNTH_NCOMMENTS] = {
    "相談窓口がどこにあるのか分かりにくいです。",
    "コロナ禍で人と会う機会が減りました。",
    "仕事が忙しく、地域の人と話す機会がありません。",
    "一人暮らしなので、体調を崩したときが不安です。",
    "気軽に立ち寄れる居場所があるとよいと思います。",
    "子育て中で、同じ立場の人と話せる場がほしい。",
    "特にありません。",
    "SNSで相談できる窓口があれば使いたい。",
    "近所づきあいが減っていると感じます。",
    "高齢の親の介護で外出が難しいです。",
    "アンケートの結果を公表してほしい。",
    "転居してきたばかりで知り合いがいません。",
    "趣味のサークル,ボランティアなど参加しやすい情報がほしい。",
    "\"孤独\"という言葉に抵抗があります。",
    "学校以外で話せる人がいません。\n家族にも相談しにくいです。",
    "行政の取り組みに期待しています。",
};

int synth_band_of_age(int age)
{
    if (age < 20)
        return 0;
    if (age >= 80)
        return 7;
    return age / 10 - 1;
}
