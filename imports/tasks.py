from django.tasks import task

from imports.running import run_batch


@task
def import_batch(batch_id: int) -> None:
    """Run an import batch in a worker (`manage.py db_worker`)."""
    run_batch(batch_id)
