"""The media bucket: the only package that talks to S3 (through django-storages and its client).

    keys.py        the object keys, built from the photo id, and each key's Content-Type
    backend.py     PhotoStorage (settings.STORAGES), the client, MediaUnavailable
    objects.py     saving, copying, reading, listing and deleting objects
    media_urls.py  the (presigned) URLs of objects, cached for half their lifetime
    uploads.py     presigned POSTs for uploads straight from the browser
    bucket.py      creating and configuring the bucket (manage.py init_aws), its health ping

Keys are built here from the photo id, never from anything the uploader sent:

    photos/<id>/original.<ext>   the uploaded bytes, served as an attachment (its owner's only,
                                 unless they share it)
    photos/<id>/shared.<ext>     the full size without metadata that others download (attachment)
    photos/<id>/display.jpg      the size the photo page shows
    photos/<id>/thumb.jpg        the size list pages show
    uploads/<user id>/<id>       a file a browser POSTed straight to S3 (presigned_upload), until
                                 the worker copies it to photos/<id>/ and removes it; the
                                 bucket's lifecycle rule deletes those never completed

Every object's Content-Type comes from its key (the detected format), so what the browser
claimed is never stored. Originals may carry more than an image (a JPEG+HTML polyglot is
still a valid JPEG), so a browser opening one directly downloads it; re-encoded sizes are
inline. Pages never ask S3 whether an object exists: the DynamoDB item names every key.
"""
