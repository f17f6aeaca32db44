import type { BuiltinTemplate, SoftwareType } from "@cisisk/contract";

// Starting points that real firmware accepts: modelled on chan-sccp's annotated SEP examples (SCCP) and
// usecallmanager's SEP documentation (Enterprise SIP). Numeric/true-false booleans only; URLs come from
// placeholders, which escape `&`.

const devicePool = (ports: string) => `  <devicePool>
    <dateTimeSetting>
      <dateTemplate>D/M/Y</dateTemplate>
      <timeZone>W. Europe Standard/Daylight Time</timeZone>
      <ntps>
        <ntp>
          <name>{{asteriskHost}}</name>
          <ntpMode>Unicast</ntpMode>
        </ntp>
      </ntps>
    </dateTimeSetting>
    <callManagerGroup>
      <members>
        <member priority="0">
          <callManager>
            <ports>
${ports}
            </ports>
            <processNodeName>{{asteriskHost}}</processNodeName>
          </callManager>
        </member>
      </members>
    </callManagerGroup>
    <srstInfo>
      <srstOption>Disable</srstOption>
    </srstInfo>
  </devicePool>`;

// SCCP phones speak to chan_sccp without TLS, so only SIP files follow `[sip] transport` for the security mode.
const tail = (securityMode: string) => `  <commonProfile>
    <phonePassword></phonePassword>
    <backgroundImageAccess>true</backgroundImageAccess>
    <callLogBlfEnabled>2</callLogBlfEnabled>
  </commonProfile>
  <loadInformation>{{loadInformation}}</loadInformation>
{{@addOnModules}}
  <vendorConfig>
    <webAccess>0</webAccess>
    <settingsAccess>1</settingsAccess>
    <garp>1</garp>
{{@lineMode}}
  </vendorConfig>
  <versionStamp>{{versionStamp}}</versionStamp>
  <userLocale>
    <name>English_United_States</name>
    <langCode>en</langCode>
    <winCharSet>utf-8</winCharSet>
  </userLocale>
  <networkLocale>United_States</networkLocale>
  <deviceSecurityMode>${securityMode}</deviceSecurityMode>
  <authenticationURL>{{authenticationUrl}}</authenticationURL>
  <directoryURL>{{directoryUrl}}</directoryURL>
  <servicesURL>{{servicesUrl}}</servicesURL>
  <phonePersonalization>1</phonePersonalization>`;

export const SCCP_TEMPLATE = `<?xml version="1.0" encoding="UTF-8"?>
<device>
  <fullConfig>true</fullConfig>
  <deviceProtocol>SCCP</deviceProtocol>
${devicePool("              <ethernetPhonePort>{{sccpPort}}</ethernetPhonePort>")}
${tail("1")}
</device>
`;

export const SIP_TEMPLATE = `<?xml version="1.0" encoding="UTF-8"?>
<device>
  <fullConfig>true</fullConfig>
  <deviceProtocol>SIP</deviceProtocol>
${devicePool(`              <ethernetPhonePort>{{sccpPort}}</ethernetPhonePort>
              <sipPort>{{sipPort}}</sipPort>
              <securedSipPort>5061</securedSipPort>`)}
  <sipProfile>
    <sipProxies>
      <registerWithProxy>true</registerWithProxy>
    </sipProxies>
    <sipCallFeatures>
      <cnfJoinEnabled>true</cnfJoinEnabled>
      <callForwardURI>x-cisco-serviceuri-cfwdall</callForwardURI>
      <callPickupURI>x-cisco-serviceuri-pickup</callPickupURI>
      <meetMeServiceURI>x-cisco-serviceuri-meetme</meetMeServiceURI>
      <rfc2543Hold>false</rfc2543Hold>
      <callHoldRingback>2</callHoldRingback>
      <localCfwdEnable>true</localCfwdEnable>
      <semiAttendedTransfer>true</semiAttendedTransfer>
      <anonymousCallBlock>2</anonymousCallBlock>
      <callerIdBlocking>2</callerIdBlocking>
      <dndControl>0</dndControl>
      <remoteCcEnable>true</remoteCcEnable>
    </sipCallFeatures>
    <sipStack>
      <sipInviteRetx>6</sipInviteRetx>
      <sipRetx>10</sipRetx>
      <timerInviteExpires>180</timerInviteExpires>
      <timerRegisterExpires>3600</timerRegisterExpires>
      <timerRegisterDelta>5</timerRegisterDelta>
      <timerKeepAliveExpires>120</timerKeepAliveExpires>
      <timerSubscribeExpires>120</timerSubscribeExpires>
      <timerSubscribeDelta>5</timerSubscribeDelta>
      <timerT1>500</timerT1>
      <timerT2>4000</timerT2>
      <maxRedirects>70</maxRedirects>
      <remotePartyID>true</remotePartyID>
      <userInfo>None</userInfo>
    </sipStack>
    <autoAnswerTimer>1</autoAnswerTimer>
    <autoAnswerAltBehavior>false</autoAnswerAltBehavior>
    <autoAnswerOverride>true</autoAnswerOverride>
    <transferOnhookEnabled>false</transferOnhookEnabled>
    <enableVad>false</enableVad>
    <preferredCodec>none</preferredCodec>
    <dtmfAvtPayload>101</dtmfAvtPayload>
    <dtmfDbLevel>3</dtmfDbLevel>
    <dtmfOutofBand>avt</dtmfOutofBand>
    <kpml>3</kpml>
    <phoneLabel>{{phoneLabel}}</phoneLabel>
    <stutterMsgWaiting>0</stutterMsgWaiting>
    <callStats>false</callStats>
    <startMediaPort>16384</startMediaPort>
    <stopMediaPort>32766</stopMediaPort>
{{@sipLines}}
    <voipControlPort>{{sipPort}}</voipControlPort>
    <dscpForAudio>184</dscpForAudio>
    <ringSettingBusyStationPolicy>0</ringSettingBusyStationPolicy>
  </sipProfile>
${tail("{{deviceSecurityMode}}")}
  <transportLayerProtocol>{{transportLayerProtocol}}</transportLayerProtocol>
</device>
`;

export const builtinTemplates: BuiltinTemplate[] = [
  { softwareType: "SCCP", name: "SCCP (79xx, 894x)", cnfXml: SCCP_TEMPLATE },
  { softwareType: "SIP", name: "Enterprise SIP (79x1/79x2/79x5/797x, 78xx, 88xx)", cnfXml: SIP_TEMPLATE },
  { softwareType: "SIPE", name: "Enterprise SIP (78xx, 88xx)", cnfXml: SIP_TEMPLATE },
];

export function builtinTemplateFor(softwareType: SoftwareType | null): string {
  return softwareType === "SCCP" ? SCCP_TEMPLATE : SIP_TEMPLATE;
}
