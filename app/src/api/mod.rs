//! Server-fn declarations shared by client and server; the data they
//! exchange lives in `crate::models` (re-exported here per module). On the client each is an HTTP call; on the server (feature
//! `ssr`) each body authorizes and delegates to `crate::services`.

pub mod access;
pub mod accounts;
pub mod api_credentials;
pub mod audit;
pub mod auth;
pub mod auth_request;
pub mod capability;
pub mod invitation;
pub mod invite_link;
pub mod invoicers;
pub mod leqi;
pub mod materials;
pub mod message;

pub use crate::models::Acted;

/// Registers every server fn with the axum integration (explicitly, so no
/// linker can drop one).
#[cfg(feature = "ssr")]
pub fn register_server_fns() {
    use leptos::server_fn::axum::register_explicit;
    register_explicit::<auth::SiteInfo>();
    register_explicit::<capability::CapabilityList>();
    register_explicit::<capability::CapabilityDetail>();
    register_explicit::<capability::CapabilityAct>();
    register_explicit::<capability::CapabilityQueue>();
    register_explicit::<capability::CapabilityDecide>();
    register_explicit::<capability::CapabilityGrants>();
    register_explicit::<capability::CapabilityGrant>();
    register_explicit::<capability::CapabilityGrantAct>();
    register_explicit::<capability::H5CapabilityGrants>();
    register_explicit::<capability::H5GrantAnswer>();
    register_explicit::<audit::AuditLog>();
    register_explicit::<auth::NewCaptcha>();
    register_explicit::<auth::EnterpriseLogin>();
    register_explicit::<auth::PersonLoginPassword>();
    register_explicit::<auth::SendLoginSms>();
    register_explicit::<auth::PersonLoginSms>();
    register_explicit::<auth::CurrentPrincipal>();
    register_explicit::<auth::H5Me>();
    register_explicit::<auth::Logout>();
    register_explicit::<auth::SwitchIdentity>();
    register_explicit::<auth::OfficerLogin>();
    register_explicit::<auth::SmsOutbox>();
    register_explicit::<accounts::TaxOfficeOptions>();
    register_explicit::<accounts::SendPhoneCode>();
    register_explicit::<accounts::RegisterNaturalPerson>();
    register_explicit::<accounts::BindingStart>();
    register_explicit::<accounts::BindingVerifyPerson>();
    register_explicit::<accounts::BindingFindEnterprise>();
    register_explicit::<accounts::BindingSendApproval>();
    register_explicit::<accounts::BindingApprove>();
    register_explicit::<accounts::ResetPersonPassword>();
    register_explicit::<accounts::ForgotEnterpriseStart>();
    register_explicit::<accounts::ForgotEnterpriseSend>();
    register_explicit::<accounts::ForgotEnterpriseReset>();
    register_explicit::<accounts::ListUsers>();
    register_explicit::<accounts::FindRegisteredPerson>();
    register_explicit::<accounts::AddUser>();
    register_explicit::<accounts::SetUserGrants>();
    register_explicit::<accounts::ChangePassword>();
    register_explicit::<accounts::MySessions>();
    register_explicit::<accounts::EndSession>();
    register_explicit::<leqi::AccessHome>();
    register_explicit::<access::AccessOverview>();
    register_explicit::<access::ConfirmUnit>();
    register_explicit::<access::SaveAccessDraft>();
    register_explicit::<access::SubmitAccessApplication>();
    register_explicit::<access::ReapplyAccess>();
    register_explicit::<access::OfficerQueue>();
    register_explicit::<access::OfficerCase>();
    register_explicit::<access::AccessAct>();
    register_explicit::<invitation::InviteOptions>();
    register_explicit::<invitation::SubmitInvitations>();
    register_explicit::<invitation::InvitationBatches>();
    register_explicit::<invitation::BatchFailures>();
    register_explicit::<invitation::ListInvitations>();
    register_explicit::<invitation::InvitationDetail>();
    register_explicit::<invitation::UnbindUseUnits>();
    register_explicit::<invitation::ReceivedInvitations>();
    register_explicit::<invitation::AuthorizeOptions>();
    register_explicit::<invitation::OfficerInvitationQueue>();
    register_explicit::<invitation::InvitationAct>();
    register_explicit::<invitation::H5Invitation>();
    register_explicit::<invitation::ReplaceInvitationProof>();
    register_explicit::<api_credentials::ListApiCredentials>();
    register_explicit::<api_credentials::IssueApiCredential>();
    register_explicit::<api_credentials::RotateApiSecret>();
    register_explicit::<api_credentials::RevokeApiCredential>();
    register_explicit::<invoicers::InvoicerRegistrations>();
    register_explicit::<invoicers::RegisterInvoicer>();
    register_explicit::<invoicers::RegistrationAct>();
    register_explicit::<materials::DeleteMaterial>();
    register_explicit::<message::MessageList>();
    register_explicit::<message::MessageUnread>();
    register_explicit::<message::MessageRead>();
    register_explicit::<message::MessageReadAll>();
    register_explicit::<invite_link::InvitationLink>();
    register_explicit::<invite_link::RegenerateInvitationLink>();
    register_explicit::<auth_request::FindDirectUnit>();
    register_explicit::<auth_request::SendAuthRequest>();
    register_explicit::<auth_request::MyAuthRequests>();
    register_explicit::<auth_request::ReceivedAuthRequests>();
    register_explicit::<auth_request::AuthRequestDetail>();
    register_explicit::<auth_request::AuthRequestAct>();
    register_explicit::<auth_request::H5AuthRequests>();
}
