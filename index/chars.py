"""Named Arabic code points and character sets used by the normalisers and the tokenizer.

Names follow the Unicode character names. pyarabic supplies the common letters and
its TASHKEEL set; the extra marks it leaves out (superscript alef, the Quranic
annotation signs, combining hamza and madda) are listed here.
"""

from pyarabic import araby

# Letters
HAMZA = araby.HAMZA                      # ء U+0621
ALEF = araby.ALEF                        # ا U+0627
ALEF_MADDA = araby.ALEF_MADDA            # آ U+0622
ALEF_HAMZA_ABOVE = araby.ALEF_HAMZA_ABOVE  # أ U+0623
ALEF_HAMZA_BELOW = araby.ALEF_HAMZA_BELOW  # إ U+0625
ALEF_WASLA = "\u0671"                    # ٱ
WAW = araby.WAW                          # و U+0648
WAW_HAMZA = araby.WAW_HAMZA              # ؤ U+0624
YEH = araby.YEH                          # ي U+064A
YEH_HAMZA = araby.YEH_HAMZA              # ئ U+0626
DOTLESS_YEH = araby.ALEF_MAKSURA         # ى U+0649 (alef maksura)
TEH_MARBUTA = araby.TEH_MARBUTA          # ة U+0629
HEH = araby.HEH                          # ه U+0647
KAF = araby.KAF                          # ك U+0643
TATWEEL = araby.TATWEEL                  # ـ U+0640

# Persian and Urdu letters that stand for Arabic ones in names copied from Persian
# sources (GeoNames mixes them into its Arabic-script alternates).
FARSI_YEH = "\u06cc"                     # ی
YEH_BARREE = "\u06d2"                    # ے
KEHEH = "\u06a9"                         # ک
HEH_YEH = "\u06c0"                       # ۀ (heh with yeh above)
HEH_GOAL = "\u06c1"                      # ہ
TEH_MARBUTA_GOAL = "\u06c3"              # ۃ
HEH_DOACHASHMEE = "\u06be"               # ھ

PERSIAN_TO_ARABIC = {
    FARSI_YEH: YEH,
    YEH_BARREE: YEH,
    KEHEH: KAF,
    HEH_YEH: HEH,
    HEH_GOAL: HEH,
    TEH_MARBUTA_GOAL: HEH,
    HEH_DOACHASHMEE: HEH,
}

# Marks: pyarabic's TASHKEEL holds fathatan..sukun (U+064B-U+0652). Arabic text also
# carries maddah/hamza above and below as combining marks (U+0653-U+0655), the
# superscript alef (U+0670) and Quranic annotation signs.
SUPERSCRIPT_ALEF = "\u0670"
TASHKEEL = frozenset(araby.TASHKEEL)
EXTRA_MARKS = frozenset(
    [chr(c) for c in range(0x0610, 0x061B)]      # honorifics and small high signs
    + [chr(c) for c in range(0x0653, 0x0660)]    # maddah above .. small wavy hamza
    + [SUPERSCRIPT_ALEF]
    + [chr(c) for c in range(0x06D6, 0x06DD)]    # small high ligatures
    + [chr(c) for c in range(0x06DF, 0x06E5)]
    + [chr(c) for c in range(0x06E7, 0x06E9)]
    + [chr(c) for c in range(0x06EA, 0x06EE)]
    + [chr(c) for c in range(0x08D3, 0x0900) if c != 0x08E2]
)
MARKS = TASHKEEL | EXTRA_MARKS

ALEF_FORMS = frozenset([ALEF_MADDA, ALEF_HAMZA_ABOVE, ALEF_HAMZA_BELOW, ALEF_WASLA])

# Digits: Arabic-Indic U+0660-U+0669 and Extended (Persian/Urdu) U+06F0-U+06F9.
ARABIC_INDIC_DIGITS = "".join(chr(c) for c in range(0x0660, 0x066A))
PERSIAN_DIGITS = "".join(chr(c) for c in range(0x06F0, 0x06FA))

# Character classes for the tokenizer's regular expression. Arabic script covers
# the Arabic block, Supplement, Extended-A and the presentation forms; the
# punctuation inside those blocks is excluded.
ARABIC_WORD_CLASS = (
    "\u0610-\u061a\u0620-\u0669\u066e-\u06d3\u06d5-\u06ed\u06ee-\u06ff"
    "\u0750-\u077f\u08a0-\u08ff\ufb50-\ufd3d\ufd50-\ufdfb\ufe70-\ufefc"
)
# Arabic punctuation inside those ranges: comma, semicolon, question mark,
# percent, decimal and thousands separators, five-pointed star, full stop.
ARABIC_PUNCTUATION = "\u060c\u061b\u061f\u066a\u066b\u066c\u066d\u06d4"
