from .models import Member, MemberToken
from .services import token_digest


def member_for_token(raw: str) -> Member | None:
    token = MemberToken.objects.select_related("member").filter(digest=token_digest(raw)).first()
    if token is None or not token.member.is_active:
        return None
    return token.member
