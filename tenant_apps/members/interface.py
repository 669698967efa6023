"""What other shop apps may use of members: the Member type and the storefront's member authentication."""

from .authentication import IsMember, MemberTokenAuthentication
from .models import Member
from .signals import member_registered

__all__ = ["IsMember", "Member", "MemberTokenAuthentication", "member_registered"]
