"""The staff portal, the helpline and their hand-outs in Spanish; hand-outs in the caller's language."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from helpline.shortlist import SESSION_KEY, shortlist_text
from portal import stewardship
from portal.models import Invitation, Membership
from tests.conftest import make_facility

pytestmark = pytest.mark.django_db
CALLER = "caller.private@example.net"


@pytest.fixture(autouse=True, scope="module")
def compiled_catalogue():
    """Compile the Spanish catalogue when the .mo is missing or older than the .po (a fresh clone)."""
    po = Path(settings.BASE_DIR) / "locale/es/LC_MESSAGES/django.po"
    mo = po.with_suffix(".mo")
    if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
        call_command("compilemessages", locale=["es"], verbosity=0, ignore_patterns=[".venv/*", "node_modules/*"])
    translation.trans_real._translations = {}  # read the fresh .mo
    translation.trans_real._active = translation.trans_real.Local()


@pytest.fixture(autouse=True)
def english_outside_requests():
    """A request under /es/ leaves Spanish active on the test's thread (LocaleMiddleware never resets it):
    start and end each test in English, so reverse() here and in later modules means the English URL."""
    translation.deactivate()
    yield
    translation.deactivate()


def es(name, *args, **kwargs) -> str:
    with translation.override("es"):
        return reverse(name, args=args, kwargs=kwargs)


@pytest.fixture
def worker_client(client, helpline_worker):
    client.force_login(helpline_worker)
    return client


@pytest.fixture
def shortlisted(worker_client, detox_atlanta, methadone_macon):
    session = worker_client.session
    session[SESSION_KEY] = [detox_atlanta.pk, methadone_macon.pk]
    session.save()
    return [detox_atlanta, methadone_macon]


# Pages under /es/


def test_portal_pages_render_in_spanish_under_es(client, editor, detox_atlanta):
    client.force_login(editor)
    home = client.get(es("portal:home"))
    assert home.status_code == 200 and home.wsgi_request.path.startswith("/es/")
    html = home.content.decode()
    assert '<html lang="es">' in html
    assert "Sus centros" in html and "Actualizar disponibilidad" in html and "Cerrar sesión" in html
    facility = client.get(es("portal:facility", detox_atlanta.pk)).content.decode()
    assert "¿Puede recibir a un paciente nuevo?" in facility
    assert "Acepta" in facility and "Lista de espera" in facility and "Confirmar que esta ficha es correcta" in facility
    assert detox_atlanta.name in facility  # data stays as stored
    edit = client.get(es("portal:edit-listing", detox_atlanta.pk)).content.decode()
    assert "Editar la ficha" in edit and "Guardar cambios" in edit


def test_the_same_portal_page_stays_english_without_the_prefix(client, editor):
    client.force_login(editor)
    html = client.get(reverse("portal:home")).content.decode()
    assert '<html lang="en">' in html and "Your facilities" in html and "Sus centros" not in html


def test_portal_form_errors_are_in_spanish(client, editor, detox_atlanta):
    client.force_login(editor)
    url = es("portal:set-availability", detox_atlanta.pk)
    response = client.post(url, {"level": "detox", "details": "1", "status": "accepting", "open_slots": "lots"})
    assert response.status_code == 400
    assert "Escriba un número entero, por ejemplo 3." in response.content.decode()
    bad_zip = client.post(es("portal:edit-listing", detox_atlanta.pk), {"zip_code": "3030"})
    assert bad_zip.status_code == 400
    assert "No se guardó nada. Revise:" in bad_zip.content.decode()


def test_public_report_and_claim_pages_are_in_spanish(client, detox_atlanta):
    report = client.get(es("portal:report", pk=detox_atlanta.pk)).content.decode()
    assert "Reportar un problema con esta ficha" in report and "Enviar reporte" in report
    claim = client.post(es("portal:claim", pk=detox_atlanta.pk), {})
    assert claim.status_code == 400 and "Revise el formulario:" in claim.content.decode()


def test_helpline_pages_render_in_spanish_under_es(worker_client, shortlisted, supervisor, client):
    search = worker_client.get(es("helpline:search")).content.decode()
    assert '<html lang="es">' in search
    assert "Lista corta" in search and "Registrar una derivación" in search and "Seguimientos pendientes" in search
    page = worker_client.get(es("helpline:shortlist")).content.decode()
    assert "Lista corta de esta llamada" in page and "Empezar una llamada nueva" in page
    assert "2 de 10 centros." in page
    for facility in shortlisted:
        assert facility.name in page
    referral = worker_client.get(es("helpline:log-referral")).content.decode()
    assert "Sin nombres, teléfonos ni fechas de nacimiento" in referral
    client.force_login(supervisor)
    reports = client.get(es("helpline:reports")).content.decode()
    assert "Informes de derivaciones" in reports and "Derivaciones por semana" in reports


def test_helpline_form_errors_are_in_spanish(worker_client, shortlisted):
    response = worker_client.post(es("helpline:shortlist-email"), {"email": ""})
    assert response.status_code == 400
    assert "Escriba el correo electrónico al que quiere enviar la lista." in response.content.decode()
    assert mail.outbox == []
    follow_up = worker_client.post(es("helpline:log-referral"), {"follow_up_on": "2001-01-01"})
    assert follow_up.status_code == 400 and "La derivación no se registró. Revise:" in follow_up.content.decode()


# Hand-outs in the caller's language


def test_an_english_worker_hands_a_spanish_caller_the_list(worker_client, shortlisted):
    page = worker_client.get(reverse("helpline:shortlist"), {"caller_language": "es"}).content.decode()
    assert '<html lang="en">' in page and "Shortlist for this call" in page  # the worker's own screen
    text = re.search(r'<textarea id="shortlist-text"[^>]*lang="es"[^>]*>(.*?)</textarea>', page, re.S).group(1)
    assert text.endswith("Ayuda 24/7: 1-800-662-4357. Crisis: 988")
    assert "Peachtree Medical Detox" in text  # names stay as stored
    assert f'href="{reverse("helpline:shortlist-print")}?caller_language=es"' in page
    assert 'name="caller_language" value="es"' in page and "Send email in español" in page

    printed = worker_client.get(reverse("helpline:shortlist-print"), {"caller_language": "es"}).content.decode()
    assert '<html lang="es">' in printed
    assert "<h1>Opciones de tratamiento</h1>" in printed and "Ayuda a cualquier hora" in printed
    assert "Back to the shortlist" in printed  # the worker's own tool, in the worker's language
    for facility in shortlisted:
        assert facility.name in printed and facility.full_address in printed

    response = worker_client.post(
        reverse("helpline:shortlist-email"), {"email": CALLER, "note": "Good talking.", "caller_language": "es"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("helpline:shortlist") + "?caller_language=es"
    [message] = mail.outbox
    assert message.subject == "Opciones de tratamiento de la línea de ayuda"
    assert message.body.startswith("Good talking.\n\nEstas son las opciones de tratamiento de las que hablamos:")
    assert "Dirección: " in message.body and "Llame antes de ir" in message.body and "Address:" not in message.body
    for facility in shortlisted:
        assert facility.name in message.body and facility.full_address in message.body
        with translation.override("es"):
            assert f"http://testserver{facility.get_absolute_url()}" in message.body  # the page in Spanish too


def test_a_spanish_worker_hands_an_english_caller_the_list(worker_client, shortlisted):
    page = worker_client.get(es("helpline:shortlist"), {"caller_language": "en"}).content.decode()
    assert '<html lang="es">' in page and "Lista corta de esta llamada" in page
    assert "Help 24/7: 1-800-662-4357. Crisis: 988</textarea>" in page
    printed = worker_client.get(es("helpline:shortlist-print"), {"caller_language": "en"}).content.decode()
    assert '<html lang="en">' in printed and "<h1>Treatment options</h1>" in printed
    assert "Volver a la lista corta" in printed
    worker_client.post(es("helpline:shortlist-email"), {"email": CALLER, "caller_language": "en"})
    [message] = mail.outbox
    assert message.subject == "Treatment options from the helpline" and "Address: " in message.body
    assert f"http://testserver/facility/{shortlisted[0].pk}/" in message.body


def test_hand_outs_follow_the_workers_language_when_no_caller_language_is_chosen(worker_client, shortlisted):
    page = worker_client.get(es("helpline:shortlist")).content.decode()
    assert "Ayuda 24/7" in page and 'name="caller_language" value="es"' in page
    worker_client.post(es("helpline:shortlist-email"), {"email": CALLER})
    assert mail.outbox[0].subject == "Opciones de tratamiento de la línea de ayuda"


@pytest.mark.parametrize("value", ["fr", "español", "en-gb-x-long"])
def test_an_unknown_caller_language_is_a_400_with_a_message(worker_client, shortlisted, value):
    page = worker_client.get(reverse("helpline:shortlist"), {"caller_language": value})
    assert page.status_code == 400 and "Choose English or Spanish for the caller." in page.content.decode()
    printed = worker_client.get(es("helpline:shortlist-print"), {"caller_language": value})
    assert (
        printed.status_code == 400 and "Elija inglés o español para la persona que llama." in printed.content.decode()
    )
    sent = worker_client.post(reverse("helpline:shortlist-email"), {"email": CALLER, "caller_language": value})
    assert sent.status_code == 400 and mail.outbox == []


def test_the_spanish_text_message_keeps_the_english_length_budget_in_plain_letters(db):
    facilities = [
        make_facility(
            name="N" * 120, street1="S" * 80, city="C" * 40, intake_phone="(404) 555-0100 ext. 1234", zip_code="30303"
        )
        for _ in range(3)
    ]
    english = shortlist_text(facilities)
    with translation.override("es"):
        spanish = shortlist_text(facilities)
    assert spanish != english and len(spanish) < 480
    assert len(spanish) - len(english) <= 2
    assert spanish.isascii()  # one accented letter would make it the shorter Unicode kind of text message


# Emails to staff


def test_invitation_email_is_in_the_language_the_steward_sends_it_in(steward, detox_atlanta):
    invitation = Invitation.objects.create(
        email="new.editor@example.org", facility=detox_atlanta, role=Membership.Role.EDITOR, invited_by=steward
    )
    invitation.expires_at = timezone.now() + timedelta(days=7)
    with translation.override("es"):
        stewardship.send_invitation(invitation, "https://finder.example/es/staff/invitation/abc/")
    [message] = mail.outbox
    assert message.subject == f"Finder: mantenga al día la ficha de {detox_atlanta.name}"
    assert "Cree su contraseña y empiece aquí:\nhttps://finder.example/es/staff/invitation/abc/" in message.body
    assert "de 20" in message.body  # the date in Spanish: "1 de diciembre de 2026"


def test_the_referral_csv_keeps_english_table_names_under_es(client, supervisor):
    client.force_login(supervisor)
    response = client.get(es("helpline:reports-csv"))
    assert response.status_code == 200
    assert response.content.decode().splitlines()[0] == "table,key,count"
    assert "Derivaciones" not in response.content.decode()
