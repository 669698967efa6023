"""What other shop apps may use of members: the shopper model and the store API's member authentication."""

from .authentication import IsMember, MemberTokenAuthentication
from .models import Member

__all__ = ["IsMember", "Member", "MemberTokenAuthentication"]
