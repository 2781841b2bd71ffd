from datetime import timedelta

import pytest
from sqlmodel import select

from ingest import accounts
from ingest.errors import AccountError, AuthenticationError
from ingest.models import Reviewer, WebSession


def test_password_hash_is_salted_and_verifies():
    first, second = accounts.hash_password("s3cret-pass"), accounts.hash_password("s3cret-pass")
    assert first != second and first.startswith("scrypt$")
    assert "s3cret-pass" not in first
    assert accounts.verify_password("s3cret-pass", first)
    assert not accounts.verify_password("s3cret-pasS", first)
    assert not accounts.verify_password("x", "garbage")


def test_create_and_authenticate(session):
    accounts.create_reviewer(session=session, username="ana", password="long enough")
    assert accounts.authenticate(session=session, username="ana", password="long enough")
    with pytest.raises(AuthenticationError):
        accounts.authenticate(session=session, username="ana", password="wrong password")
    with pytest.raises(AuthenticationError):
        accounts.authenticate(session=session, username="nobody", password="long enough")
    stored = session.exec(select(Reviewer)).one()
    assert "long enough" not in stored.password_hash


@pytest.mark.parametrize(("name", "password", "message"), [
    ("Ana Maria", "long enough", "invalid username"),
    ("system", "long enough", "reserved"),
    ("ana", "short", "at least 8"),
])
def test_bad_accounts_refused(session, name, password, message):
    with pytest.raises(AccountError, match=message):
        accounts.create_reviewer(session=session, username=name, password=password)


def test_duplicate_refused(session):
    accounts.create_reviewer(session=session, username="ana", password="long enough")
    with pytest.raises(AccountError, match="already exists"):
        accounts.create_reviewer(session=session, username="ana", password="other one!")


def test_sessions_store_only_a_hash_and_expire(session):
    reviewer = accounts.create_reviewer(session=session, username="ana", password="long enough")
    token, user = accounts.start_session(session=session, reviewer=reviewer, hours=1)
    session.commit()
    assert accounts.session_for(session=session, token=token).username == "ana"
    row = session.exec(select(WebSession)).one()
    assert row.token_hash != token and token not in row.token_hash
    row.expires_at = row.expires_at - timedelta(hours=2)
    session.add(row)
    session.commit()
    with pytest.raises(AuthenticationError, match="expired"):
        accounts.session_for(session=session, token=token)
    assert accounts.purge_expired(session=session) == 1


def test_a_login_clears_expired_sessions(session):
    reviewer = accounts.create_reviewer(session=session, username="ana", password="long enough")
    accounts.start_session(session=session, reviewer=reviewer, hours=-1)  # already expired
    session.commit()
    accounts.start_session(session=session, reviewer=reviewer, hours=1)
    session.commit()
    assert len(session.exec(select(WebSession)).all()) == 1


def test_disabling_ends_sessions(session):
    reviewer = accounts.create_reviewer(session=session, username="ana", password="long enough")
    token, _ = accounts.start_session(session=session, reviewer=reviewer, hours=1)
    accounts.set_active(session=session, username="ana", active=False)
    session.commit()
    with pytest.raises(AuthenticationError):
        accounts.session_for(session=session, token=token)
    with pytest.raises(AuthenticationError):
        accounts.authenticate(session=session, username="ana", password="long enough")
