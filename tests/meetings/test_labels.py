"""The meeting's kind and status labels are said once (``Choices.label_of``) and read the same
from the model, the API list's item and the meeting page's row."""
from alliance.core.choices import ChoiceLabel
from alliance.meetings.models import MEETING_KINDS, MEETING_STATUSES, Meeting
from alliance.meetings.queries import MeetingItem, MeetingPageRow


def test_one_descriptor_gives_the_label_of_the_code_everywhere():
    row = MeetingPageRow(1, 1, "联席会", "joint", "planned", None, None, None, None, None, None, None, None)
    meeting = Meeting(kind="joint", status="planned")
    for kind in (Meeting, MeetingItem, MeetingPageRow):
        assert isinstance(kind.__dict__["kind_label"], ChoiceLabel)
        assert isinstance(kind.__dict__["status_label"], ChoiceLabel)
    assert row.kind_label == meeting.kind_label == MEETING_KINDS.label("joint")
    assert row.status_label == meeting.status_label == MEETING_STATUSES.label("planned")
    meeting.status = "unknown-code"  # an unknown code shows as itself, as Choices.label does
    assert meeting.status_label == "unknown-code"
