"""The worker (gallery.services.worker, `manage.py worker`): jobs off the queue into photos.process_upload;
a job that fails is delivered again, its last delivery leaves a "failed" photo, never a stuck one."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from gallery.services import photos, worker
from gallery.storage import sqs
from gallery.storage.s3 import objects
from gallery.storage.s3.backend import MediaUnavailable
from gallery.tests.corpus import long_comment_gif, phone_heic
from gallery.tests.direct_uploads import complete, post_to_s3, run_worker, start, upload_file
from gallery.tests.factories import image_bytes
from gallery.tests.stores import assert_no_orphans, photo_items
from gallery.web.forms import UploadForm

pytestmark = pytest.mark.django_db


def make_visible_again(job):
    """What the visibility timeout running out does, without waiting for it."""
    queue = sqs.queue()
    queue.client.change_message_visibility(QueueUrl=queue.url, ReceiptHandle=job.receipt, VisibilityTimeout=0)


def status(client, photo_id):
    return client.get(f"/api/photos/{photo_id}/").json()


def test_a_backend_failure_leaves_the_job_queued_and_a_redelivery_publishes(aws, alice, monkeypatch):
    upload_id, _ = upload_file(alice)
    real_save = objects.save

    def s3_down(key, content):
        raise MediaUnavailable("S3 unavailable while storing")

    monkeypatch.setattr(objects, "save", s3_down)
    (job,) = sqs.queue().receive(wait_seconds=0)
    assert worker.run_job(job) is False
    assert status(alice, upload_id)["status"] == "processing"
    assert aws.object_keys() == [f"uploads/{alice.session['_auth_user_id']}/{upload_id}"]  # sizes removed

    monkeypatch.setattr(objects, "save", real_save)
    make_visible_again(job)
    assert run_worker() == 1
    assert status(alice, upload_id)["status"] == "ready"
    assert_no_orphans(aws)


def test_the_last_delivery_of_a_failing_job_marks_the_photo_failed(aws, alice, monkeypatch, settings):
    upload_id, _ = upload_file(alice)

    def s3_down(source, destination):
        raise MediaUnavailable("S3 unavailable while copying")

    monkeypatch.setattr(objects, "copy", s3_down)
    (job,) = sqs.queue().receive(wait_seconds=0)
    last = sqs.Job(body=job.body, receipt=job.receipt, receive_count=settings.PHOTOSHARE_JOB_MAX_RECEIVES)

    assert worker.run_job(last) is True

    photo = status(alice, upload_id)
    assert photo["status"] == "failed" and photo["reason"] == photos.UNPROCESSABLE_REASON
    assert aws.object_keys() == []


def test_a_photo_deleted_while_queued_or_processing_leaves_nothing(aws, alice, monkeypatch):
    queued, _ = upload_file(alice)
    assert alice.delete(f"/api/photos/{queued}/").status_code == 204
    processing, _ = upload_file(alice)
    real_copy = objects.copy

    def delete_meanwhile(source, destination):
        real_copy(source, destination)
        photos.delete(processing)  # the owner deletes it while the worker runs

    monkeypatch.setattr(objects, "copy", delete_meanwhile)

    assert run_worker() == 2
    assert aws.object_keys() == [] and photo_items(aws) == []


def test_an_unknown_job_is_left_for_the_dead_letter_queue(aws):
    sqs.queue().send({"job": "make_coffee"})
    (job,) = sqs.queue().receive(wait_seconds=0)
    assert worker.run_job(job) is False
    make_visible_again(job)
    assert sqs.queue().receive(wait_seconds=0)[0].receive_count == 2


def test_the_command_runs_what_is_queued(aws, alice):
    upload_id, _ = upload_file(alice)
    out = io.StringIO()

    call_command("worker", "--once", stdout=out)

    assert out.getvalue().strip() == "worker: 1 jobs done"
    assert status(alice, upload_id)["status"] == "ready"


def test_a_queue_that_refuses_the_job_is_a_503_and_keeps_the_file_for_a_retry(aws, alice, monkeypatch):
    upload = start(alice, size=1000).json()
    post_to_s3(upload, image_bytes(size=(120, 80)))

    def queue_down(self, body):
        raise sqs.JobsUnavailable("SQS unavailable while sending to the job queue")

    monkeypatch.setattr(sqs.Queue, "send", queue_down)
    response = complete(alice, upload["upload_id"], title="Harbour")
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert photo_items(aws) == []

    monkeypatch.undo()
    assert complete(alice, upload["upload_id"], title="Harbour").status_code == 202
    run_worker()
    assert json.loads(alice.get("/api/photos/").content)["results"][0]["title"] == "Harbour"


def one_mp_tiff():
    """Decoded whole (a PNG of 8 bits is decoded in bands, held to the pixel limit alone)."""
    return image_bytes(format="TIFF", size=(1000, 1000))


@pytest.mark.parametrize(
    ("name", "build"),
    [
        ("over the full-decode limit.tif", one_mp_tiff),  # the form refused it, the worker published it
        ("comment over 64 KB.gif", long_comment_gif),  # a job that failed on every delivery
        ("iphone.heic", phone_heic),  # refused as damaged on both paths
        ("notes.jpg", lambda: b"plain text"),
    ],
)
def test_the_worker_holds_a_file_to_the_forms_policy_with_the_same_words(aws, alice, settings, name, build):
    if name.endswith(".tif"):
        settings.PHOTOSHARE_MAX_DECODE_BYTES = 14 * 999_999  # an RGB TIFF's 14 bytes: 1 MP
    data = build()
    form = UploadForm({"title": "Same"}, {"image": SimpleUploadedFile(name, data)})
    form_refusal = None if form.is_valid() else form.errors["image"][0]

    upload_id, _ = upload_file(alice, data)
    assert run_worker() == 1

    photo = status(alice, upload_id)
    assert (photo["status"], photo.get("reason")) == (
        ("failed", form_refusal) if form_refusal else ("ready", None)
    )
    assert sqs.queue().receive(wait_seconds=0) == []  # done once: failed or published, not retried
    expected_refusal = {
        "over the full-decode limit.tif": (
            "The image has too many pixels; the limit is 0.999999 megapixels for TIFF images (50 for JPEG)."
        ),
        "notes.jpg": "The file is not an image, or it is damaged.",
    }
    assert form_refusal == expected_refusal.get(name)
    if name.endswith(".heic"):
        assert (photo["display"]["width"], photo["display"]["height"]) == (1200, 1600)


def test_the_reason_a_photo_failed_is_shown_in_the_owners_language(aws, alice, settings):
    settings.PHOTOSHARE_MAX_DECODE_BYTES = 14 * 999_999
    upload_id, _ = upload_file(alice, one_mp_tiff())
    run_worker()
    korean = "이미지의 화소 수가 너무 많아요. TIFF 이미지는 최대 0.999999메가픽셀까지예요(JPEG는 50)."

    api = alice.get(f"/api/photos/{upload_id}/", HTTP_ACCEPT_LANGUAGE="ko").json()
    page = alice.get(f"/photos/{upload_id}/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()

    assert (api["status"], api["reason"]) == ("failed", korean)
    assert korean in page
    assert status(alice, upload_id)["reason"].startswith("The image has too many pixels")  # English
