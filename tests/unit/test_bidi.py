"""English names inside right-to-left text get their own isolated, English-language run."""

from __future__ import annotations

from surveyapp.bidi import isolate_english

BDI = '<bdi lang="en" dir="ltr">{}</bdi>'


def test_an_english_name_in_urdu_text_is_isolated_with_its_brackets_outside():
    html = "<p>آواز کا گروپ (Maternity and Neonatal Voices Partnership) آپ کے جوابات</p>"
    assert str(isolate_english(html)) == (
        "<p>آواز کا گروپ (" + BDI.format("Maternity and Neonatal Voices Partnership")
        + ") آپ کے جوابات</p>")


def test_names_with_digits_and_hyphens_stay_one_run():
    assert str(isolate_english("<li>کال کریں NHS 111 یا Wi-Fi</li>")) == (
        "<li>کال کریں " + BDI.format("NHS 111") + " یا " + BDI.format("Wi-Fi") + "</li>")


def test_numbers_alone_are_left_to_the_bidi_algorithm():
    assert str(isolate_english("<p>ایمرجنسی میں 999 پر کال کریں</p>")) == (
        "<p>ایمرجنسی میں 999 پر کال کریں</p>")


def test_attributes_entities_and_text_that_says_its_own_language_are_untouched():
    html = ('<a href="/s/abc?lang=en" aria-label="Choose">اردو</a>'
            '<a lang="pl" dir="auto" href="?lang=pl">Polski</a>'
            '<bdi dir="ltr">ABCD-EFGH-JK23</bdi><span lang="en">NHS <b>111</b> ok</span>'
            '<select><option>Any other White background</option></select>'
            '<textarea name="t">my midwife</textarea>'
            '<p>ماں &amp; بچہ</p>')
    assert str(isolate_english(html)) == html


def test_text_after_a_shielded_element_is_isolated_again():
    html = '<p><span lang="pl">Polski</span> اور NHS</p>'
    assert str(isolate_english(html)) == (
        '<p><span lang="pl">Polski</span> اور ' + BDI.format("NHS") + "</p>")


def test_void_and_self_closing_elements_do_not_upset_the_nesting():
    html = '<p lang="en">x<br>y</p><input name="a" value="NHS"><svg><path d="M0 0"/></svg>NHS'
    assert str(isolate_english(html)).endswith("</svg>" + BDI.format("NHS"))
    assert 'value="NHS"' in str(isolate_english(html))


def test_a_left_to_right_page_is_left_as_it_is():
    html = "<p>Maternity and Neonatal Voices Partnership</p>"
    assert str(isolate_english(html, "ltr")) == html
