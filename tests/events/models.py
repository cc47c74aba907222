from django.db import models


class StreamCount(models.Model):
    """The example projection's view: per stream, how many events and the last one."""

    stream_id = models.CharField(max_length=200, primary_key=True)
    events = models.PositiveIntegerField(default=0)
    total = models.BigIntegerField(default=0)
    last_position = models.BigIntegerField(default=0)
    last_type = models.CharField(max_length=100, default="")

    def __str__(self) -> str:
        return self.stream_id
